/**
 * Benchmark 4: the aliyun CLI config at scale.
 *
 * (a) Update one managed profile in a config.json that holds 1,000 profiles (950 foreign, 50
 *     managed), through CliConfigFile.update (lock, re-read, style-preserving serialize, atomic
 *     write with fsync, unlock): time and bytes written, vs a bare JSON.parse + JSON.stringify +
 *     fs.writeFile of the same file (no lock, no fsync, not atomic). Interleaved, median.
 * (b) Coalescing: 50 sessions refreshing together produce how many physical writes
 *     (CoalescingConfigWriter.writes)? Measured three ways: 50 changes enqueued at once; the real
 *     scheduler refreshing 50 due sessions after a wake from sleep (kick()); and the scheduler
 *     over a simulated minute in which the 50 sessions' jittered refresh times fall.
 */
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CliConfigFile, CoalescingConfigWriter, type ManagedProfile } from '../main/core/cli-config';
import { RefreshScheduler } from '../main/core/scheduler';
import { BenchClock } from './lib/bench-clock';
import { median, percentile, ratio, removeDir, round, runBench, scanForSecrets, seeded, tempDir, type BenchOutput, type Row } from './lib/common';
import { ACCOUNT_B_ROOT, addMe, arnOf, createWorld, localSandbox } from './lib/world';

const PROFILES = 1000;
const MANAGED = 50;
const N = Number(process.env['ROLETRAY_BENCH_N'] ?? 60);

function managed(name: string, n: number): ManagedProfile {
  return {
    name,
    mode: 'StsToken',
    access_key_id: `STS.NBench${String(n).padStart(22, '0')}`,
    access_key_secret: `benchStsSecret${String(n).padStart(30, '0')}`,
    sts_token: `CAIS${'x'.repeat(196)}${n}`,
    sts_expiration: 1_900_000_000 + n,
    region_id: 'cn-hangzhou',
    output_format: 'json',
    language: 'en',
  };
}

function bigConfig(): { text: string; managedNames: string[] } {
  const profiles: Record<string, unknown>[] = [];
  const managedNames: string[] = [];
  for (let k = 0; k < PROFILES; k++) {
    if (k % (PROFILES / MANAGED) === 0) {
      const name = `rt-m${k}`;
      managedNames.push(name);
      profiles.push({ ...managed(name, k) });
    } else {
      profiles.push({
        name: `user-${k}`,
        mode: k % 7 === 0 ? 'RamRoleArn' : 'AK',
        access_key_id: `FAKEAKID${String(k).padStart(8, '0')}`,
        access_key_secret: `fakeForeignSecret${k}`,
        sts_token: '',
        ram_role_arn: k % 7 === 0 ? arnOf(`role-${k}`) : '',
        ram_session_name: '',
        region_id: 'cn-shanghai',
        output_format: 'json',
        language: 'en',
        site: 'china',
        retry_timeout: 0,
        retry_count: 0,
      });
    }
  }
  const doc = { current: 'user-1', profiles, meta_path: '' };
  return { text: JSON.stringify(doc, null, '\t'), managedNames };
}

async function updateScale(rows: Row[], details: Record<string, unknown>): Promise<void> {
  const dir = tempDir('roletray-bench-config-');
  try {
    const { text, managedNames } = bigConfig();
    const rtFile = path.join(dir, 'rt', 'config.json');
    const baseFile = path.join(dir, 'base', 'config.json');
    const atomicFile = path.join(dir, 'atomic', 'config.json');
    for (const f of [rtFile, baseFile, atomicFile]) {
      mkdirSync(path.dirname(f), { recursive: true });
      writeFileSync(f, text, { mode: 0o600 });
    }
    const cfg = new CliConfigFile(rtFile);
    const managedSet = new Set(managedNames);
    const target = managedNames[17]!;
    const rt: number[] = [];
    const base: number[] = [];
    const atomic: number[] = [];
    const bytes: number[] = [];
    const baseline = async (file: string, n: number, atomicWrite: boolean): Promise<number> => {
      const t0 = performance.now();
      const doc = JSON.parse(await readFile(file, 'utf8')) as { profiles: Record<string, unknown>[] };
      const i = doc.profiles.findIndex((p) => p['name'] === target);
      doc.profiles[i] = { ...managed(target, n) };
      const out = JSON.stringify(doc, null, '\t');
      if (atomicWrite) await writeFileAtomic(file, out, { mode: 0o600, fsync: true });
      else await writeFile(file, out);
      return performance.now() - t0;
    };
    for (let i = 0; i < N + 5; i++) {
      const n = 100_000 + i;
      const order = i % 2 === 0;
      if (!order) base.push(await baseline(baseFile, n, false));
      const t0 = performance.now();
      await cfg.update([{ kind: 'upsert', profile: managed(target, n) }], managedSet);
      rt.push(performance.now() - t0);
      bytes.push(statSync(rtFile).size);
      if (order) base.push(await baseline(baseFile, n, false));
      atomic.push(await baseline(atomicFile, n, true));
    }
    // drop warm-up
    for (const xs of [rt, base, atomic, bytes]) xs.splice(0, 5);
    // sanity: every foreign profile survived, the target has the last value
    const final = JSON.parse(readFileSync(rtFile, 'utf8')) as { profiles: Record<string, unknown>[] };
    const original = JSON.parse(text) as { profiles: Record<string, unknown>[] };
    const foreignKept = original.profiles.every((p, k) => managedSet.has(String(p['name'])) || JSON.stringify(final.profiles[k]) === JSON.stringify(p));
    if (!foreignKept || final.profiles.length !== PROFILES) throw new Error('config-scale: RoleTray changed a foreign profile');
    if (cfg.writes !== N + 5) throw new Error(`config-scale: expected ${N + 5} writes, saw ${cfg.writes}`);
    const p50 = median(rt);
    rows.push({
      metric: 'update 1 managed profile in a 1,000-profile config.json, p50',
      roletray: round(p50),
      baseline: round(median(base)),
      baselineName: 'bare JSON.parse + stringify + fs.writeFile',
      unit: 'ms',
      ratio: ratio(p50, median(base)),
      target: '< 20 ms',
      pass: p50 < 20,
      note: `p95 ${round(percentile(rt, 95))} ms; ${Math.round(median(bytes) / 1024)} KiB written per update (whole file, atomic rename); same bare update with write-file-atomic + fsync: ${round(median(atomic))} ms`,
    });
    rows.push({
      metric: 'bytes written per update (1,000 profiles)',
      roletray: median(bytes),
      baseline: Buffer.byteLength(JSON.stringify(JSON.parse(readFileSync(baseFile, 'utf8')), null, '\t')),
      baselineName: 'bare stringify of the same document',
      unit: 'B',
      ratio: null,
      target: '',
      pass: null,
    });
    details['update'] = { n: rt.length, roletrayMs: rt.map((x) => round(x, 3)), baselineMs: base.map((x) => round(x, 3)), atomicFsyncMs: atomic.map((x) => round(x, 3)), bytes: median(bytes) };
  } finally {
    removeDir(dir);
  }
}

async function coalescing(rows: Row[], details: Record<string, unknown>, roots: string[]): Promise<void> {
  // (1) 50 changes enqueued at once on the writer
  const dir = tempDir('roletray-bench-coalesce-');
  roots.push(dir);
  const file = new CliConfigFile(path.join(dir, 'config.json'));
  const names = Array.from({ length: 50 }, (_, i) => `rt-c${i}`);
  const writer = new CoalescingConfigWriter(file, () => new Set(names));
  await Promise.all(names.map((n, i) => writer.enqueue({ kind: 'upsert', profile: managed(n, i) })));
  const direct = writer.writes;

  // (2) and (3): the real manager + scheduler over the sandbox STS, fake time shared by both
  const clock = new BenchClock();
  const sb = await localSandbox({ now: () => clock.now() });
  const w = createWorld({ stsUrl: sb.url, clock });
  roots.push(w.home);
  try {
    await addMe(w);
    sb.world.addRole({ name: 'bench-coalesce', maxSessionDuration: 3600, trustedPrincipals: [ACCOUNT_B_ROOT] });
    await w.core.manager.catalogStore.update((cat) => {
      for (const n of names) cat.roles.push({ name: n, arn: arnOf('bench-coalesce'), source: 'me', profile: n, durationSeconds: 3600 });
    });
    await w.core.manager.catalog();
    // every session issued at the same instant, so all fall due in the same minute
    for (const n of names) await w.core.manager.assume(n);
    const exp = w.core.manager.liveSession(names[0]!)?.creds?.expiresAt ?? 0;

    // (2) wake from sleep: everything is due at once
    const sched = new RefreshScheduler(w.core.manager, { clock, random: seeded(3) });
    let writes0 = w.core.writer.writes;
    let calls0 = sb.stats.calls['AssumeRole'] ?? 0;
    clock.set(exp - 60_000); // asleep through the lead time; 1 minute left
    sched.start();
    await sched.kick();
    const burstWrites = w.core.writer.writes - writes0;
    const burstCalls = (sb.stats.calls['AssumeRole'] ?? 0) - calls0;
    sched.stop();

    // (3) awake: the 50 refreshes fall at their jittered times inside one minute
    const exp2 = w.core.manager.liveSession(names[0]!)?.creds?.expiresAt ?? 0;
    const sched2 = new RefreshScheduler(w.core.manager, { clock, random: seeded(5) });
    writes0 = w.core.writer.writes;
    calls0 = sb.stats.calls['AssumeRole'] ?? 0;
    sched2.start();
    await clock.runUntil(exp2 - 200_000, () => sched2.idle());
    const minuteWrites = w.core.writer.writes - writes0;
    const minuteCalls = (sb.stats.calls['AssumeRole'] ?? 0) - calls0;
    sched2.stop();

    rows.push({
      metric: '50 changes enqueued together → physical writes',
      roletray: direct,
      baseline: 50,
      baselineName: 'one write per change',
      unit: 'writes',
      ratio: null,
      target: '1 write',
      pass: direct === 1,
    });
    rows.push({
      metric: '50 due sessions refreshed by the scheduler at wake (kick) → writes',
      roletray: burstWrites,
      baseline: 50,
      baselineName: 'one write per refresh',
      unit: 'writes',
      ratio: null,
      target: '1 write',
      pass: burstWrites === 1,
      note: `${burstCalls} STS calls, maxConcurrent 4`,
    });
    rows.push({
      metric: '50 sessions whose jittered refresh times fall in the same minute → writes',
      roletray: minuteWrites,
      baseline: 50,
      baselineName: 'one write per refresh',
      unit: 'writes',
      ratio: null,
      target: '1 write',
      pass: minuteWrites === 1,
      note: `${minuteCalls} STS calls spread over the minute by the scheduler's jitter`,
    });
    details['coalescing'] = { direct, burstWrites, burstCalls, minuteWrites, minuteCalls };
  } finally {
    await sb.close();
    const hits = scanForSecrets([w.home], [], [w.userSecret]);
    details['coalescingSecretHits'] = hits.hits;
    await w.cleanup();
    removeDir(dir);
  }
}

runBench(async (): Promise<BenchOutput> => {
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const roots: string[] = [];
  await updateScale(rows, details);
  await coalescing(rows, details, roots);
  return {
    id: '4',
    title: 'Config file scale',
    rows,
    details,
    notes: [
      'Each RoleTray update holds the cross-process lock, re-reads the file, keeps every foreign byte and writes a temp file with fsync before the rename; the bare baseline does none of that.',
    ],
    secretHits: Number(details['coalescingSecretHits'] ?? 0),
    wallMs: 0,
  };
});
