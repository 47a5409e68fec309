/**
 * Benchmark 1: credential hand-out. `node bin/roletray.mjs credential-process <role>` with a
 * session cached in the real keychain (what the aliyun CLI runs on every command of an External
 * profile), against a bare `node -e 0` on the same machine. Interleaved, median of n each.
 */
import path from 'node:path';
import { median, percentile, ratio, round, runBench, scanForSecrets, type BenchOutput, timedNode } from './lib/common';
import { addMe, arnOf, createWorld, localSandbox } from './lib/world';

const QUICK = process.env['ROLETRAY_BENCH_QUICK'] === '1';
const N = Number(process.env['ROLETRAY_BENCH_N'] ?? (QUICK ? 10 : 30));
const WARMUP = 3;
const root = process.env['ROLETRAY_BENCH_ROOT'] ?? process.cwd();

const timed = (args: string[], env: NodeJS.ProcessEnv) => timedNode(args, env, root);

runBench(async (): Promise<BenchOutput> => {
  const sb = await localSandbox();
  const w = createWorld({ stsUrl: sb.url });
  const outputs: string[] = [];
  try {
    await addMe(w);
    await w.core.manager.addRole({ name: 'fc', arn: arnOf('fc-admin'), source: 'me', durationSeconds: 3600 });
    await w.core.manager.assume('fc');
    const session = w.core.manager.liveSession('fc')!.creds!;
    await w.core.writer.flush();
    const cli = path.join(root, 'bin', 'roletray.mjs');
    const callsBefore = sb.stats.total;
    const rt: number[] = [];
    const bare: number[] = [];
    const floor: number[] = [];
    // The keychain floor: node + keytar + one Secret Service read of the same entry, nothing else.
    const floorScript = `require('keytar').getPassword(process.env.ROLETRAY_KEYCHAIN_SERVICE, 'session:fc').then((v) => process.exit(v ? 0 : 3))`;
    // A minimal env for both sides, so neither pays for a big environment.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: w.home,
      DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'],
      ROLETRAY_HOME: w.dataDir,
      ROLETRAY_CLI_CONFIG: w.cliConfigFile,
      ROLETRAY_KEYCHAIN_SERVICE: w.service,
      ROLETRAY_STS_ENDPOINT: w.stsUrl,
    };
    for (let i = 0; i < N + WARMUP; i++) {
      const order = [['rt', 'bare', 'floor'], ['bare', 'floor', 'rt'], ['floor', 'rt', 'bare']] as const;
      for (const side of order[i % 3]!) {
        if (side === 'floor') {
          const r = await timed(['-e', floorScript], env);
          if (r.code !== 0) throw new Error(`keychain floor probe exited ${r.code}: ${r.stderr.trim()}`);
          if (i >= WARMUP) floor.push(r.ms);
        } else if (side === 'bare') {
          const r = await timed(['-e', '0'], env);
          if (i >= WARMUP) bare.push(r.ms);
        } else {
          const r = await timed([cli, 'credential-process', 'fc'], env);
          outputs.push(r.stdout, r.stderr);
          if (r.code !== 0) throw new Error(`credential-process exited ${r.code}: ${r.stderr.trim()}`);
          const parsed = JSON.parse(r.stdout) as { access_key_id?: string; mode?: string };
          if (parsed.mode !== 'StsToken' || parsed.access_key_id !== session.accessKeyId) throw new Error('credential-process printed another session');
          if (i >= WARMUP) rt.push(r.ms);
        }
      }
    }
    const stsCalls = sb.stats.total - callsBefore;
    const m = median(rt);
    const b = median(bare);
    const scan = scanForSecrets([w.home], outputs, [w.userSecret]);
    return {
      id: '1',
      title: 'Credential hand-out',
      rows: [
        {
          metric: `credential-process with a cached session, wall time (n=${N}, interleaved)`,
          roletray: round(m, 1),
          baseline: round(b, 1),
          baselineName: 'bare node -e 0',
          unit: 'ms',
          ratio: ratio(m, b),
          target: '≤ 1.5× bare Node start-up',
          pass: m <= 1.5 * b,
          note: `p90 ${round(percentile(rt, 90), 1)} vs ${round(percentile(bare, 90), 1)} ms; ${stsCalls} STS calls during the ${N + WARMUP} hand-outs`,
        },
        {
          metric: 'the keychain floor: node + keytar + one Secret Service read, nothing else',
          roletray: round(median(floor), 1),
          baseline: round(b, 1),
          baselineName: 'bare node -e 0',
          unit: 'ms',
          ratio: ratio(median(floor), b),
          target: '',
          pass: null,
          note: `RoleTray above this floor: ${round(m - median(floor), 1)} ms`,
        },
      ],
      details: { n: N, keychainFloorMs: floor.map((x) => round(x, 2)), roletrayMs: rt.map((x) => round(x, 2)), bareMs: bare.map((x) => round(x, 2)), stsCalls },
      notes: ['credential-process reads the catalog and the role\'s managed StsToken profile as plain JSON (the fast path; the keychain cache is the fallback), without loading keytar, commander, zod or the STS SDK.'],
      secretHits: scan.hits,
      wallMs: 0,
    };
  } finally {
    await sb.close();
    await w.cleanup();
  }
});
