/**
 * Benchmarks 5 and 7: the refresh scheduler at scale, and memory over a simulated day.
 *
 * 1,000 sessions with mixed durations (900 s to 12 h) are started during the first simulated
 * hour and kept alive for 24 h by the real RefreshScheduler over the real SessionManager, real
 * files and the sandbox STS over loopback HTTP. Time is a BenchClock shared with the sandbox
 * (which runs in a worker thread, so its heap and event loop are separate from the core's).
 *
 * Secrets: MemorySecretStore. Through gnome-keyring every session write costs 18-55 ms and grows
 * with the collection (measured below on a small sample), which would make a simulated day of
 * 1,000 sessions take hours; everything else is the production object graph.
 *
 * Reported: STS calls vs the minimum, sessions seen expired while a refresh was possible, the
 * lowest remaining lifetime ever observed, peak concurrent STS requests (scheduler and
 * sandbox), config writes, wall time; heap of the core (main thread) and the sandbox (worker)
 * after hour 1 and after hour 24, with gc().
 */
import v8 from 'node:v8';
import { RefreshScheduler } from '../main/core/scheduler';
import { KeytarSecretStore } from '../main/core/secret-store';
import { BenchClock } from './lib/bench-clock';
import { clearKeychain, keychainService, longLivedSecret, median, round, runBench, scanForSecrets, seeded, sleep, type BenchOutput, type Row } from './lib/common';
import { startSandboxThread } from './lib/sandbox-thread';
import { ACCOUNT_B_ROOT, addMe, arnOf, createWorld } from './lib/world';

const QUICK = process.env['ROLETRAY_BENCH_QUICK'] === '1';
const SESSIONS = Number(process.env['ROLETRAY_BENCH_SESSIONS'] ?? (QUICK ? 200 : 1000));
const HOURS = Number(process.env['ROLETRAY_BENCH_HOURS'] ?? 24);
const MAX_CONCURRENT = 4;
const LEAD_S = 300;
/** [duration seconds, share of sessions]: mostly the 1-hour default, some short and long ones. */
const MIX: Array<[number, number]> = [
  [900, 0.05],
  [3600, 0.45],
  [7200, 0.2],
  [21_600, 0.15],
  [43_200, 0.15],
];

/**
 * The official STS SDK keeps each request (socket, response, buffers) reachable from its read
 * timer until that timer fires (readTimeout, 10 s by default), even after the answer arrived. In
 * real time that is a 10-second window; here a simulated hour passes in seconds, so without a
 * pause the heap would hold every request of the last 10 wall seconds. Both heap samples are taken
 * after the same pause.
 */
const SDK_TIMER_DRAIN_MS = Number(process.env['ROLETRAY_BENCH_DRAIN_MS'] ?? 11_000);

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return v8.getHeapStatistics().used_heap_size;
}

const MB = 1024 * 1024;

/**
 * What one session write costs in the real keychain when it holds as many sessions as this
 * benchmark: gnome-keyring searches the collection on every write, so the cost grows with it.
 * Fills a throwaway service with `size` cached sessions (timing those creates), then times
 * replacing some of them, then deletes them all.
 */
async function keychainCost(size: number): Promise<{ createMeanMs: number; replaceMs: number; size: number; n: number }> {
  const service = keychainService();
  const store = new KeytarSecretStore(service);
  const n = Math.min(40, size);
  const value = JSON.stringify({ v: 1, creds: { accessKeyId: 'STS.x', accessKeySecret: 'y'.repeat(44), securityToken: `CAIS${'z'.repeat(200)}`, expiresAt: 0 }, issuedAt: 0 });
  const replace: number[] = [];
  let createMs = 0;
  try {
    const t0 = performance.now();
    for (let i = 0; i < size; i++) await store.set(`session:k${i}`, value);
    createMs = performance.now() - t0;
    for (let i = 0; i < n; i++) {
      const t1 = performance.now();
      await store.set(`session:k${Math.floor((i * size) / n)}`, `${value} `);
      replace.push(performance.now() - t1);
    }
  } finally {
    await clearKeychain(service);
  }
  return { createMeanMs: createMs / size, replaceMs: median(replace), size, n };
}

runBench(async (): Promise<BenchOutput> => {
  const rows: Row[] = [];
  const notes: string[] = [];
  const rand = seeded(20261123);
  const shared = new SharedArrayBuffer(8);
  const clock = new BenchClock(Date.UTC(2026, 10, 23, 8, 0, 0), shared);
  const secret = longLivedSecret();
  const heapBase = heapUsed();
  const sb = await startSandboxThread(shared, secret);
  const w = createWorld({ stsUrl: sb.url, clock, secrets: 'memory', userSecret: secret });
  let out: BenchOutput | undefined;
  try {
    await addMe(w);
    // roles: one sandbox role per duration, 1,000 RoleTray roles over them
    await sb.request('addRoles', { roles: MIX.map(([d]) => ({ name: `bench-${d}`, max: Math.max(3600, d), trust: ACCOUNT_B_ROOT })) });
    const plan: Array<{ name: string; duration: number; start: number }> = [];
    const t0 = clock.now();
    for (let i = 0; i < SESSIONS; i++) {
      let x = rand();
      let duration = MIX[MIX.length - 1]![0];
      for (const [d, share] of MIX) {
        if (x < share) {
          duration = d;
          break;
        }
        x -= share;
      }
      plan.push({ name: `r${String(i).padStart(4, '0')}`, duration, start: t0 + Math.floor(rand() * 3600_000) });
    }
    plan.sort((a, b) => a.start - b.start);
    await w.core.manager.catalogStore.update((cat) => {
      for (const p of plan) cat.roles.push({ name: p.name, arn: arnOf(`bench-${p.duration}`), source: 'me', profile: `rt-${p.name}`, durationSeconds: p.duration });
    });
    await w.core.manager.catalog();
    await sb.request('resetStats');

    const sched = new RefreshScheduler(w.core.manager, { clock, random: seeded(99), maxConcurrent: MAX_CONCURRENT });
    sched.start();
    const wall0 = performance.now();
    let minLeft = Infinity;
    let minLeftRole = '';
    const started = new Set<string>();
    const sample = (): void => {
      const now = clock.now();
      for (const name of started) {
        const left = (w.core.manager.liveSession(name)?.creds?.expiresAt ?? 0) - now;
        if (left < minLeft) {
          minLeft = left;
          minLeftRole = name;
        }
      }
    };
    // hour 1: sessions are started one by one while the scheduler runs
    for (const p of plan) {
      await clock.runUntil(p.start, () => sched.idle());
      await w.core.manager.assume(p.name);
      started.add(p.name);
    }
    const end1 = t0 + 3600_000;
    for (let t = clock.now(); t < end1; t += 60_000) {
      await clock.runUntil(Math.min(t, end1), () => sched.idle());
      sample();
    }
    await clock.runUntil(end1, () => sched.idle());
    sample();
    const setupWall = performance.now() - wall0;
    await sleep(SDK_TIMER_DRAIN_MS);
    const coreH1 = heapUsed();
    if (process.env['ROLETRAY_BENCH_HEAPSNAP']) v8.writeHeapSnapshot(`${process.env['ROLETRAY_BENCH_HEAPSNAP']}/core-h1.heapsnapshot`);
    const sbH1 = (await sb.request<{ heapUsed: number }>('heap')).heapUsed;

    // hours 2..24, sampled every simulated minute
    const end = t0 + HOURS * 3600_000;
    let lastReport = performance.now();
    for (let t = end1 + 60_000; t <= end; t += 60_000) {
      await clock.runUntil(t, () => sched.idle());
      sample();
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        console.log(`  … simulated ${round((t - t0) / 3600_000, 1)} h, ${sched.stats.refreshes} refreshes, ${Math.round((performance.now() - wall0) / 1000)} s`);
      }
    }
    const wallMs = performance.now() - wall0;
    sched.stop();
    await sleep(SDK_TIMER_DRAIN_MS);
    const coreH24 = heapUsed();
    if (process.env['ROLETRAY_BENCH_HEAPSNAP']) v8.writeHeapSnapshot(`${process.env['ROLETRAY_BENCH_HEAPSNAP']}/core-end.heapsnapshot`);
    const sbH24 = (await sb.request<{ heapUsed: number }>('heap')).heapUsed;
    const stats = await sb.request<{ calls: Record<string, number>; maxConcurrent: number; byCode: Record<string, number> }>('stats');
    const calls = stats.calls['AssumeRole'] ?? 0;
    // the absolute minimum: each session needs ceil(alive time / duration) tokens (no lead time)
    const minimum = plan.reduce((n, p) => n + Math.ceil((end - p.start) / (p.duration * 1000)), 0);
    // with the 5-minute lead time a token is used for (duration - lead) at most
    const leadMinimum = plan.reduce((n, p) => n + 1 + Math.max(0, Math.ceil((end - p.start - p.duration * 1000) / ((p.duration - LEAD_S) * 1000))), 0);
    const errors = Object.entries(stats.byCode).filter(([k]) => k !== 'Success');

    rows.push({
      metric: `${SESSIONS} sessions × ${HOURS} h: STS AssumeRole calls`,
      roletray: calls,
      baseline: minimum,
      baselineName: 'minimum: ceil(alive / duration) per session',
      unit: 'calls',
      ratio: round(calls / minimum, 3),
      target: `≤ 1.25× the minimum with a 5-min lead (${leadMinimum} calls)`,
      pass: calls <= leadMinimum * 1.25,
      note: `incl. ${SESSIONS} initial assumes; ${sched.stats.failures} failures${errors.length ? ` (${errors.map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`,
    });
    rows.push({
      metric: 'sessions seen expired while a refresh was possible (expiredUnrefreshed)',
      roletray: sched.stats.expiredUnrefreshed,
      baseline: null,
      unit: '',
      ratio: null,
      target: '0',
      pass: sched.stats.expiredUnrefreshed === 0,
    });
    rows.push({
      metric: 'lowest remaining lifetime of any session, sampled every simulated minute',
      roletray: round(minLeft / 1000, 1),
      baseline: null,
      unit: 's',
      ratio: null,
      target: '> 0',
      pass: minLeft > 0,
      note: `role ${minLeftRole}`,
    });
    rows.push({
      metric: 'peak concurrent STS requests (scheduler / sandbox)',
      roletray: sched.stats.peakConcurrent,
      baseline: stats.maxConcurrent,
      baselineName: 'sandbox maxConcurrent',
      unit: '',
      ratio: null,
      target: `≤ ${MAX_CONCURRENT}`,
      pass: sched.stats.peakConcurrent <= MAX_CONCURRENT && stats.maxConcurrent <= MAX_CONCURRENT,
    });
    rows.push({
      metric: `wall time of the simulated day (hours 1-${HOURS})`,
      roletray: round(wallMs / 1000, 1),
      baseline: null,
      unit: 's',
      ratio: null,
      target: '',
      pass: null,
      note: `${w.core.writer.writes} config writes for ${sched.stats.refreshes} scheduled refreshes; hour 1 (start-up of ${SESSIONS} sessions) took ${round(setupWall / 1000, 1)} s`,
    });
    const kc = await keychainCost(SESSIONS);
    rows.push({
      metric: `why MemorySecretStore here: one session write to the real keychain (gnome-keyring) holding ${kc.size} sessions`,
      roletray: round(kc.replaceMs, 1),
      baseline: round(kc.createMeanMs, 1),
      baselineName: `mean create while filling it from 0 to ${kc.size}`,
      unit: 'ms',
      ratio: null,
      target: '',
      pass: null,
      note: `median of ${kc.n} replaces; × ${calls} refreshes ≈ ${round((kc.replaceMs * calls) / 60_000, 1)} min of keychain time alone (a Secret Service write searches the whole collection)`,
    });
    const growth = (a: number, b: number): number => round(((b - a) / a) * 100, 1);
    rows.push({
      metric: `7. core heap (main thread) after hour 1 → hour ${HOURS}, gc()`,
      roletray: round(coreH24 / MB, 1),
      baseline: round(coreH1 / MB, 1),
      baselineName: 'after hour 1',
      unit: 'MiB',
      ratio: round(coreH24 / coreH1, 2),
      target: 'no growth (≤ +10%)',
      pass: coreH24 <= coreH1 * 1.1,
      note: `${growth(coreH1, coreH24)}%; heap before the sessions ${round(heapBase / MB, 1)} MiB`,
    });
    rows.push({
      metric: `7. sandbox heap (worker) after hour 1 → hour ${HOURS}, gc()`,
      roletray: round(sbH24 / MB, 1),
      baseline: round(sbH1 / MB, 1),
      baselineName: 'after hour 1',
      unit: 'MiB',
      ratio: round(sbH24 / sbH1, 2),
      target: 'no growth (≤ +10%)',
      pass: sbH24 <= sbH1 * 1.1,
      note: `${growth(sbH1, sbH24)}%; the sandbox keeps every issued session until 24 h after it expires (so its tokens keep working), at most 50,000`,
    });
    notes.push(`Benchmark 5 uses MemorySecretStore instead of the OS keychain (see the keychain row); the STS client, sandbox, CLI config writes, catalog and scheduler are the real ones.`);
    notes.push(`Durations: ${MIX.map(([d, s]) => `${Math.round(s * 100)}% ${d} s`).join(', ')}; sessions start at random times in hour 1; lead time 300 s, jitter ≤ 60 s, maxConcurrent ${MAX_CONCURRENT}.`);
    const scan = scanForSecrets([w.home], [], [secret]);
    out = {
      id: '5+7',
      title: 'Scheduler scale + memory',
      rows,
      details: {
        sessions: SESSIONS,
        hours: HOURS,
        calls,
        minimum,
        leadMinimum,
        scheduler: sched.stats,
        sandbox: stats,
        configWrites: w.core.writer.writes,
        wallMs: Math.round(wallMs),
        heap: { base: heapBase, coreH1, coreH24, sandboxH1: sbH1, sandboxH24: sbH24 },
        keychain: kc,
        secretScanWhere: scan.where,
      },
      notes,
      secretHits: scan.hits,
      wallMs: 0,
    };
    return out;
  } finally {
    await sb.close();
    await w.cleanup();
  }
});
