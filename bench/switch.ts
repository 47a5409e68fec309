/**
 * Benchmark 2: switch latency, in process, through SessionManager.switchTo (what the tray calls),
 * with the real keychain, real files and the sandbox STS on loopback.
 *
 * - No session: assume through STS + profile written + `current` set. RoleTray's own overhead is
 *   the wall time minus the sandbox's server time for the call (stats.processingMs delta).
 *   Baseline: one bare AssumeRole through the official @alicloud/sts20150401 client.
 * - Session to reuse (no STS call): keychain read, `current` set under the lock, atomically.
 *   Baseline: a bare read + JSON.parse + set current + stringify + writeFile of the same file.
 * Interleaved, medians.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { officialSts } from './lib/official-sts';
import { median, percentile, ratio, round, runBench, scanForSecrets, type BenchOutput } from './lib/common';
import { TimedSecretStore, USER_AKID, addMe, arnOf, createWorld, localSandbox } from './lib/world';

const QUICK = process.env['ROLETRAY_BENCH_QUICK'] === '1';
const N = Number(process.env['ROLETRAY_BENCH_N'] ?? (QUICK ? 10 : 40));
const WARMUP = 3;

runBench(async (): Promise<BenchOutput> => {
  const sb = await localSandbox();
  let timed: TimedSecretStore | undefined;
  const w = createWorld({ stsUrl: sb.url, wrapSecrets: (s) => (timed = new TimedSecretStore(s)) });
  try {
    await addMe(w);
    const m = w.core.manager;
    await m.catalogStore.update((cat) => {
      for (let i = 0; i < N + WARMUP; i++) cat.roles.push({ name: `cold${i}`, arn: arnOf('fc-admin'), source: 'me', profile: `rt-cold${i}`, durationSeconds: 3600 });
      for (const n of ['warmA', 'warmB']) cat.roles.push({ name: n, arn: arnOf('readonly'), source: 'me', profile: `rt-${n}`, durationSeconds: 3600 });
    });
    await m.catalog();
    await m.assume('warmA');
    await m.assume('warmB');
    await w.core.writer.flush();

    const baseFile = path.join(w.home, 'baseline', 'config.json');
    mkdirSync(path.dirname(baseFile), { recursive: true });
    const { client: sdk, AssumeRoleRequest } = await officialSts({ accessKeyId: USER_AKID, accessKeySecret: w.userSecret, port: sb.port });

    // count catalog writes too (each is a locked atomic write with fsync)
    let catalogWrites = 0;
    const update = m.catalogStore.update.bind(m.catalogStore);
    m.catalogStore.update = (fn) => {
      catalogWrites++;
      return update(fn);
    };
    const cost = { cold: { kc: [] as number[], kcCalls: [] as number[], cfg: [] as number[], cat: [] as number[] }, warm: { kc: [] as number[], kcCalls: [] as number[], cfg: [] as number[], cat: [] as number[] } };
    const probe = () => ({ kc: timed!.ms, kcCalls: timed!.calls, cfg: w.core.writer.writes, cat: catalogWrites });
    const record = (into: typeof cost.cold, a: ReturnType<typeof probe>) => {
      const b = probe();
      into.kc.push(b.kc - a.kc);
      into.kcCalls.push(b.kcCalls - a.kcCalls);
      into.cfg.push(b.cfg - a.cfg);
      into.cat.push(b.cat - a.cat);
    };
    const cold: number[] = [];
    const coldServer: number[] = [];
    const raw: number[] = [];
    const rawServer: number[] = [];
    const warm: number[] = [];
    const bare: number[] = [];
    let warmCalls = 0;
    for (let i = 0; i < N + WARMUP; i++) {
      const keep = i >= WARMUP;
      // raw STS call (a new client per call, as RoleTray builds one per call)
      let p0 = sb.stats.processingMs;
      let t0 = performance.now();
      await sdk().assumeRole(new AssumeRoleRequest({ roleArn: arnOf('fc-admin'), roleSessionName: 'bench-raw', durationSeconds: 3600 }));
      if (keep) {
        raw.push(performance.now() - t0);
        rawServer.push(sb.stats.processingMs - p0);
      }
      // switch with no session
      p0 = sb.stats.processingMs;
      let pr = probe();
      t0 = performance.now();
      await m.switchTo(`cold${i}`);
      if (keep) {
        cold.push(performance.now() - t0);
        coldServer.push(sb.stats.processingMs - p0);
        record(cost.cold, pr);
      }
      // switch with a session to reuse
      const before = sb.stats.total;
      pr = probe();
      t0 = performance.now();
      await m.switchTo(i % 2 === 0 ? 'warmA' : 'warmB');
      if (keep) {
        warm.push(performance.now() - t0);
        record(cost.warm, pr);
      }
      warmCalls += sb.stats.total - before;
      // bare read + write of the same config
      copyFileSync(w.cliConfigFile, baseFile);
      t0 = performance.now();
      const doc = JSON.parse(await readFile(baseFile, 'utf8')) as { current?: string };
      doc.current = i % 2 === 0 ? 'rt-warmB' : 'rt-warmA';
      await writeFile(baseFile, JSON.stringify(doc, null, '\t'));
      if (keep) bare.push(performance.now() - t0);
    }
    const coldLocal = cold.map((x, k) => x - coldServer[k]!);
    const rawLocal = raw.map((x, k) => x - rawServer[k]!);
    const cfg = JSON.parse(await readFile(w.cliConfigFile, 'utf8')) as { current: string; profiles: unknown[] };
    const lastWarm = (N + WARMUP - 1) % 2 === 0 ? 'rt-warmA' : 'rt-warmB';
    if (cfg.current !== lastWarm) throw new Error(`switch did not set current (${cfg.current} != ${lastWarm})`);
    const rows = [
      {
        metric: 'switch, no session (STS assume + profile + current), wall p50 incl. the STS call on loopback',
        roletray: round(median(cold)),
        baseline: round(median(raw)),
        baselineName: 'one bare official-SDK AssumeRole',
        unit: 'ms',
        ratio: ratio(median(cold), median(raw)),
        target: '< 15 ms',
        pass: median(cold) < 15,
        note: `p95 ${round(percentile(cold, 95))} ms; sandbox server time p50 ${round(median(coldServer))} ms; per switch: ${median(cost.cold.kcCalls)} keychain calls (${round(median(cost.cold.kc))} ms), ${median(cost.cold.cfg)} config writes, ${median(cost.cold.cat)} catalog writes`,
      },
      {
        metric: 'switch, no session: RoleTray overhead p50 (wall − sandbox server time)',
        roletray: round(median(coldLocal)),
        baseline: round(median(rawLocal)),
        baselineName: 'bare SDK call, same subtraction',
        unit: 'ms',
        ratio: ratio(median(coldLocal), median(rawLocal)),
        target: '',
        pass: null,
      },
      {
        metric: 'switch with a session to reuse (no STS call), p50',
        roletray: round(median(warm)),
        baseline: round(median(bare)),
        baselineName: 'bare read + parse + stringify + writeFile',
        unit: 'ms',
        ratio: ratio(median(warm), median(bare)),
        target: '< 5 ms',
        pass: median(warm) < 5,
        note: `p95 ${round(percentile(warm, 95))} ms; ${warmCalls} STS calls; per switch: ${median(cost.warm.kcCalls)} keychain calls (${round(median(cost.warm.kc))} ms), ${median(cost.warm.cfg)} config writes, ${median(cost.warm.cat)} catalog writes (locked, atomic, fsync)`,
      },
    ];
    const scan = scanForSecrets([w.home], [], [w.userSecret]);
    return {
      id: '2',
      title: 'Switch latency',
      rows,
      details: {
        n: N,
        coldMs: cold.map((x) => round(x, 3)),
        coldServerMs: coldServer.map((x) => round(x, 3)),
        rawMs: raw.map((x) => round(x, 3)),
        rawServerMs: rawServer.map((x) => round(x, 3)),
        warmMs: warm.map((x) => round(x, 3)),
        bareMs: bare.map((x) => round(x, 3)),
        profiles: cfg.profiles.length,
        perSwitch: cost,
      },
      notes: ['The sandbox runs in the same process; its server time (request arrival to answer written) is subtracted from both RoleTray and the bare SDK call.'],
      secretHits: scan.hits,
      wallMs: 0,
    };
  } finally {
    await sb.close();
    await w.cleanup();
  }
});
