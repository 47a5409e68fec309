/**
 * Benchmark 3: versus the alternative. The same 100 CLI invocations served by
 *   - RoleTray's External profile: `roletray credential-process <role>` per command, answered
 *     from the role's managed StsToken profile (or the keychain-cached session), and
 *   - the aliyun CLI's RamRoleArn mode: AssumeRole on every command, reproduced by a fresh Node
 *     process per command calling AssumeRole through the official @alicloud/sts20150401 client
 *     (bench/children/ramrolearn.ts).
 * Both against the same sandbox STS on loopback; STS calls counted by the sandbox. Interleaved.
 */
import path from 'node:path';
import { median, ratio, round, runBench, scanForSecrets, type BenchOutput, timedNode } from './lib/common';
import { USER_AKID, addMe, arnOf, createWorld, localSandbox } from './lib/world';

const QUICK = process.env['ROLETRAY_BENCH_QUICK'] === '1';
const N = Number(process.env['ROLETRAY_BENCH_N'] ?? (QUICK ? 20 : 100));
const root = process.env['ROLETRAY_BENCH_ROOT'] ?? process.cwd();
const cache = process.env['ROLETRAY_BENCH_CACHE'] ?? path.join(root, 'node_modules', '.cache', 'roletray-bench');

const run = (args: string[], env: NodeJS.ProcessEnv) => timedNode(args, env, root);

runBench(async (): Promise<BenchOutput> => {
  const sb = await localSandbox();
  const w = createWorld({ stsUrl: sb.url });
  const outputs: string[] = [];
  try {
    await addMe(w);
    await w.core.manager.addRole({ name: 'fc', arn: arnOf('fc-admin'), source: 'me', durationSeconds: 3600 });
    await w.core.manager.assume('fc');
    await w.core.writer.flush();
    const baseEnv: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: w.home, DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'] };
    const rtEnv = { ...baseEnv, ROLETRAY_HOME: w.dataDir, ROLETRAY_CLI_CONFIG: w.cliConfigFile, ROLETRAY_KEYCHAIN_SERVICE: w.service, ROLETRAY_STS_ENDPOINT: w.stsUrl };
    const altEnv = { ...baseEnv, ALIBABA_CLOUD_ACCESS_KEY_ID: USER_AKID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: w.userSecret };
    const rtArgs = [path.join(root, 'bin', 'roletray.mjs'), 'credential-process', 'fc'];
    const altArgs = [path.join(cache, 'children', 'ramrolearn.mjs'), String(sb.port), arnOf('fc-admin')];
    const rt: number[] = [];
    const alt: number[] = [];
    let rtCalls = 0;
    let altCalls = 0;
    for (let i = 0; i < N; i++) {
      for (const side of i % 2 === 0 ? ['rt', 'alt'] : ['alt', 'rt']) {
        const before = sb.stats.calls['AssumeRole'] ?? 0;
        const r = side === 'rt' ? await run(rtArgs, rtEnv) : await run(altArgs, altEnv);
        outputs.push(r.stdout, r.stderr);
        if (r.code !== 0 || !r.stdout.includes('"StsToken"')) throw new Error(`${side} invocation failed (${r.code}): ${r.stderr.split('\n')[0]}`);
        const calls = (sb.stats.calls['AssumeRole'] ?? 0) - before;
        if (side === 'rt') {
          rt.push(r.ms);
          rtCalls += calls;
        } else {
          alt.push(r.ms);
          altCalls += calls;
        }
      }
    }
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const scan = scanForSecrets([w.home], outputs, [w.userSecret]);
    return {
      id: '3',
      title: 'Versus RamRoleArn mode',
      rows: [
        {
          metric: `${N} CLI invocations: STS AssumeRole calls`,
          roletray: rtCalls,
          baseline: altCalls,
          baselineName: 'AssumeRole per command (RamRoleArn mode)',
          unit: 'calls',
          ratio: null,
          target: '0 with a cached session',
          pass: rtCalls === 0,
        },
        {
          metric: `${N} CLI invocations: total time`,
          roletray: round(sum(rt) / 1000, 2),
          baseline: round(sum(alt) / 1000, 2),
          baselineName: 'fresh process + AssumeRole each',
          unit: 's',
          ratio: ratio(sum(rt), sum(alt)),
          target: '',
          pass: null,
          note: `per invocation p50 ${round(median(rt), 1)} ms vs ${round(median(alt), 1)} ms; STS on loopback costs the baseline almost no network time, so against real STS (tens to hundreds of ms per call) the gap grows`,
        },
      ],
      details: { n: N, roletrayMs: rt.map((x) => round(x, 2)), ramRoleArnMs: alt.map((x) => round(x, 2)), rtCalls, altCalls },
      notes: ['The RamRoleArn side is a reproduction (Node + the official STS SDK), not the Go aliyun CLI, which is not installed here.'],
      secretHits: scan.hits,
      wallMs: 0,
    };
  } finally {
    await sb.close();
    await w.cleanup();
  }
});
