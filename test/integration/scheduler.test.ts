/**
 * The refresh scheduler over a fake clock (shared by core and the sandbox STS), the real
 * keychain and real files: a simulated day of refreshes in seconds.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { SchedulerNotice } from '../../main/core/scheduler';
import { RefreshScheduler } from '../../main/core/scheduler';
import { FakeClock } from '../helpers/fake-clock';
import type { TestWorld } from '../helpers/world';
import { DEMO_USER_AKID, arnOf, startTestWorld } from '../helpers/world';

let w: TestWorld | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function world(clock: FakeClock): Promise<TestWorld> {
  w = await startTestWorld({ sandbox: { now: () => clock.now() }, core: { clock } });
  await w.core.manager.addIdentity({ name: 'me', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, region: 'cn-hangzhou' });
  return w;
}

describe('RefreshScheduler', () => {
  it('keeps many sessions alive for 24 h with near-minimal STS calls and one config write per burst', async () => {
    const clock = new FakeClock();
    const tw = await world(clock);
    const durations = [900, 1800, 3600, 7200, 43_200];
    const n = 10;
    for (let i = 0; i < n; i++) {
      const d = durations[i % durations.length]!;
      tw.sandbox.world.addRole({ name: `r${i}`, maxSessionDuration: Math.max(3600, d), trustedPrincipals: ['acs:ram::9876543210987654:root'] });
      await tw.core.manager.addRole({ name: `r${i}`, arn: arnOf(`r${i}`), source: 'me', durationSeconds: d });
    }
    await Promise.all(Array.from({ length: n }, (_, i) => tw.core.manager.assume(`r${i}`)));
    const sched = new RefreshScheduler(tw.core.manager, { clock, random: seeded(7), maxConcurrent: 3 });
    sched.start();
    const start = clock.now();
    const callsBefore = tw.sandbox.stats.calls['AssumeRole'] ?? 0;
    const writesBefore = tw.core.writer.writes;
    let minLeft = Infinity;
    const day = 24 * 3600_000;
    // step through the day; after each step every session must still be valid
    for (let t = start; t < start + day; t += 5 * 60_000) {
      await clock.runUntil(t, () => sched.idle());
      for (let i = 0; i < n; i++) {
        const live = tw.core.manager.liveSession(`r${i}`);
        minLeft = Math.min(minLeft, (live?.creds?.expiresAt ?? 0) - clock.now());
      }
    }
    sched.stop();
    const calls = (tw.sandbox.stats.calls['AssumeRole'] ?? 0) - callsBefore;
    const lead = 300;
    // the minimum: each session needs a new token every (duration - lead) seconds
    const minimum = durations.reduce((acc, d, i) => acc + (i < n ? Math.floor(86_400 / (d - lead)) : 0), 0) * (n / durations.length);
    expect(minLeft).toBeGreaterThan(0);
    expect(sched.stats.expiredUnrefreshed).toBe(0);
    expect(sched.stats.failures).toBe(0);
    expect(calls).toBeGreaterThanOrEqual(minimum * 0.9);
    expect(calls).toBeLessThanOrEqual(minimum * 1.25);
    expect(sched.stats.peakConcurrent).toBeLessThanOrEqual(3);
    // writes coalesce: fewer physical writes than refreshes
    expect(tw.core.writer.writes - writesBefore).toBeLessThanOrEqual(calls);
    const cfg = JSON.parse(await readFile(tw.cliConfigFile, 'utf8'));
    expect(cfg.profiles).toHaveLength(n);
  }, 120_000);

  it('backs off on throttling, keeps the old credentials, then recovers', async () => {
    const clock = new FakeClock();
    const tw = await world(clock);
    await tw.core.manager.addRole({ name: 'fc', arn: arnOf('fc-admin'), source: 'me', durationSeconds: 3600 });
    const first = await tw.core.manager.assume('fc');
    const sched = new RefreshScheduler(tw.core.manager, { clock, random: seeded(1), jitterMaxMs: 0 });
    sched.start();
    tw.sandbox.faults.inject({ action: 'AssumeRole', kind: 'throttle', times: 3 });
    const due = (first.expiresAt ?? 0) - 300_000;
    await clock.runUntil(due, () => sched.idle());
    expect(sched.stats.failures).toBe(1);
    expect(tw.core.manager.liveSession('fc')?.creds?.expiresAt).toBe(first.expiresAt);
    expect(['active', 'expiring']).toContain((await tw.core.manager.view('fc')).state);
    await clock.runUntil(due + 120_000, () => sched.idle());
    expect(sched.stats.failures).toBe(3);
    expect(sched.stats.refreshes).toBe(1);
    expect(tw.core.manager.liveSession('fc')?.creds?.expiresAt).toBeGreaterThan(first.expiresAt ?? 0);
    expect((await tw.core.manager.view('fc')).state).toBe('active');
    sched.stop();
  });

  it('a permanent failure marks the session error, notifies once and stops retrying', async () => {
    const clock = new FakeClock();
    const tw = await world(clock);
    await tw.core.manager.addRole({ name: 'fc', arn: arnOf('fc-admin'), source: 'me', durationSeconds: 3600 });
    const first = await tw.core.manager.assume('fc');
    const notices: SchedulerNotice[] = [];
    const sched = new RefreshScheduler(tw.core.manager, { clock, jitterMaxMs: 0, onNotice: (n) => notices.push(n) });
    sched.start();
    tw.sandbox.world.revokeTrust('fc-admin');
    const calls = tw.sandbox.stats.calls['AssumeRole'] ?? 0;
    await clock.runUntil((first.expiresAt ?? 0) + 3600_000, () => sched.idle());
    expect((tw.sandbox.stats.calls['AssumeRole'] ?? 0) - calls).toBe(1);
    const v = await tw.core.manager.view('fc');
    expect(v.state).toBe('error');
    expect(v.error?.stsCode).toBe('NoPermission');
    expect(notices).toEqual([expect.objectContaining({ kind: 'failed', role: 'fc' })]);
    expect(clock.pending).toBe(0);
    sched.stop();
  });

  it('kick() after sleep refreshes everything that became due while asleep', async () => {
    const clock = new FakeClock();
    const tw = await world(clock);
    await tw.core.manager.addRole({ name: 'fc', arn: arnOf('fc-admin'), source: 'me', durationSeconds: 3600 });
    const first = await tw.core.manager.assume('fc');
    const sched = new RefreshScheduler(tw.core.manager, { clock, jitterMaxMs: 0 });
    sched.start();
    // the machine sleeps: time jumps without timers firing, then the OS reports resume
    const clockAny = clock as unknown as { t: number };
    clockAny.t = (first.expiresAt ?? 0) + 60_000;
    await sched.kick();
    const live = tw.core.manager.liveSession('fc');
    expect(live?.creds?.expiresAt).toBeGreaterThan(clock.now());
    sched.stop();
  });
});
