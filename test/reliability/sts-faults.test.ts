/**
 * STS faults from the sandbox, through the real STS client (with a 500 ms read timeout), the
 * session manager, the refresh scheduler, the real keychain and real files: 5xx bursts,
 * throttling, hangs past the timeout, malformed and wrongly typed answers, credentials that expire
 * early, and clock skew. Each time: the right state and message, a bounded number of STS calls,
 * and never a partial profile in the aliyun CLI config.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManagedProfile } from '../../main/core/cli-config';
import { RoleTrayError } from '../../main/core/errors';
import { RefreshScheduler } from '../../main/core/scheduler';
import { KeytarSecretStore } from '../../main/core/secret-store';
import { AlibabaStsClient } from '../../main/core/sts-client';
import { FakeClock } from '../helpers/fake-clock';
import { filesContaining, seeded } from '../helpers/reliability-env';
import type { TestWorld } from '../helpers/world';
import { DEMO_USER_AKID, arnOf, startTestWorld } from '../helpers/world';

let w: TestWorld | undefined;
afterEach(async () => {
  if (w) {
    // secret hygiene: the user's key is in no file RoleTray wrote (config, catalog, logs)
    const hits = filesContaining(w.home, [w.userSecret]);
    await w.cleanup();
    w = undefined;
    expect(hits).toEqual([]);
  }
});

async function world(clock?: FakeClock): Promise<TestWorld> {
  w = await startTestWorld({
    ...(clock ? { sandbox: { now: () => clock.now() } } : {}),
    core: { sts: new AlibabaStsClient({ readTimeoutMs: 500, connectTimeoutMs: 500 }), ...(clock ? { clock } : {}) },
  });
  await w.core.manager.addIdentity({ name: 'me', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, region: 'cn-hangzhou' });
  await w.core.manager.addRole({ name: 'fc', arn: arnOf('fc-admin'), source: 'me', durationSeconds: 3600 });
  return w;
}

const assumeCalls = (tw: TestWorld): number => tw.sandbox.stats.calls['AssumeRole'] ?? 0;

async function failure(p: Promise<unknown>): Promise<RoleTrayError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RoleTrayError);
  return e as RoleTrayError;
}

/** Every profile in the file is either absent or a complete StsToken profile matching the keychain cache. */
async function expectNoPartialProfile(tw: TestWorld, role = 'fc'): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(tw.cliConfigFile, 'utf8');
  } catch {
    return undefined;
  }
  const doc = JSON.parse(text) as { profiles: Array<Record<string, unknown>> };
  const profile = doc.profiles.find((p) => p['name'] === `roletray-${role}`);
  const cached = await new KeytarSecretStore(tw.service).get(`session:${role}`);
  if (!profile) return undefined;
  const keys: Array<keyof ManagedProfile> = ['name', 'mode', 'access_key_id', 'access_key_secret', 'sts_token', 'sts_expiration', 'region_id', 'output_format', 'language'];
  expect(Object.keys(profile)).toEqual(keys);
  expect(profile['mode']).toBe('StsToken');
  for (const k of ['access_key_id', 'access_key_secret', 'sts_token'] as const) expect(String(profile[k]).length).toBeGreaterThan(10);
  expect(Number.isInteger(profile['sts_expiration'])).toBe(true);
  const creds = (JSON.parse(cached ?? 'null') as { creds: { accessKeyId: string; accessKeySecret: string; securityToken: string; expiresAt: number } } | null)?.creds;
  expect(creds?.accessKeyId).toBe(profile['access_key_id']);
  expect(creds?.accessKeySecret).toBe(profile['access_key_secret']);
  expect(creds?.securityToken).toBe(profile['sts_token']);
  expect(Math.floor((creds?.expiresAt ?? 0) / 1000)).toBe(profile['sts_expiration']);
  return profile;
}

describe('first assume under STS faults', () => {
  it.each([
    ['5xx burst', { kind: 'server-error' as const }, 'InternalError', /STS had an internal error/],
    ['503', { kind: 'server-error' as const, status: 503 as const }, 'ServiceUnavailable', /temporarily unavailable/],
    ['throttling', { kind: 'throttle' as const }, 'Throttling.User', /throttling/],
  ])('%s: one STS call per attempt, retryable sts error with the code, state error, no profile; then recovers', async (_name, fault, code, message) => {
    const tw = await world();
    tw.sandbox.faults.inject({ action: 'AssumeRole', times: 3, ...fault });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = assumeCalls(tw);
      const err = await failure(tw.core.manager.assume('fc'));
      expect(assumeCalls(tw) - before).toBe(1); // no hidden retries inside the client
      expect(err.code).toBe('sts');
      expect(err.stsCode).toBe(code);
      expect(err.retryable).toBe(true);
      expect(err.message).toMatch(message);
      expect(err.oneLine()).not.toMatch(/\n/);
      const view = await tw.core.manager.view('fc');
      expect(view.state).toBe('error');
      expect(view.error?.stsCode).toBe(code);
      expect(await expectNoPartialProfile(tw)).toBeUndefined();
    }
    const ok = await tw.core.manager.assume('fc');
    expect(ok.state).toBe('active');
    expect(ok.error).toBeNull();
    expect(await expectNoPartialProfile(tw)).toBeDefined();
  });

  it('a hang past the read timeout is a retryable network error within ~0.5 s, and writes nothing', async () => {
    const tw = await world();
    tw.sandbox.faults.inject({ action: 'AssumeRole', kind: 'hang' });
    const t0 = Date.now();
    const err = await failure(tw.core.manager.assume('fc'));
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(3000);
    expect(err.code).toBe('network');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/could not be reached or answered badly/);
    expect(assumeCalls(tw) + (tw.sandbox.stats.byCode['NoAnswer'] ?? 0)).toBeLessThanOrEqual(2);
    expect((await tw.core.manager.view('fc')).state).toBe('error');
    expect(await expectNoPartialProfile(tw)).toBeUndefined();
    expect(await new KeytarSecretStore(tw.service).get('session:fc')).toBeNull();
  });

  it.each([
    ['malformed (truncated) JSON', 'malformed' as const],
    ['wrong content type', 'wrong-content-type' as const],
  ])('%s: never a partial session or profile', async (_name, kind) => {
    const tw = await world();
    tw.sandbox.faults.inject({ action: 'AssumeRole', kind });
    const res = await tw.core.manager.assume('fc').then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    expect(assumeCalls(tw)).toBe(1);
    if (kind === 'malformed') {
      expect(res.ok).toBe(false);
      const err = (res as { e: RoleTrayError }).e;
      expect(err).toBeInstanceOf(RoleTrayError);
      expect(['network', 'sts']).toContain(err.code);
      expect(err.retryable).toBe(true);
      expect(await expectNoPartialProfile(tw)).toBeUndefined();
      expect(await new KeytarSecretStore(tw.service).get('session:fc')).toBeNull();
    } else {
      // a correct body under a wrong Content-Type: either accepted whole or refused whole
      if (res.ok) expect(await expectNoPartialProfile(tw)).toBeDefined();
      else expect(await expectNoPartialProfile(tw)).toBeUndefined();
    }
  });

  it('clock skew (InvalidTimeStamp.Expired): a permanent error naming the clock, not retried by the scheduler', async () => {
    const tw = await world();
    tw.sandbox.faults.clockSkewSeconds = 3600;
    const err = await failure(tw.core.manager.assume('fc'));
    expect(err.code).toBe('sts');
    expect(err.stsCode).toBe('InvalidTimeStamp.Expired');
    expect(err.retryable).toBe(false);
    expect(err.oneLine()).toMatch(/clock/);
    expect(err.hint).toMatch(/NTP|clock/);
    expect((await tw.core.manager.view('fc')).state).toBe('error');
    expect(await expectNoPartialProfile(tw)).toBeUndefined();
    expect(assumeCalls(tw)).toBe(1);
  });
});

describe('refresh under STS faults (simulated time)', () => {
  it('5xx bursts and hangs during refresh keep the old credentials, back off with a bounded number of calls, then recover', async () => {
    const clock = new FakeClock();
    const tw = await world(clock);
    const first = await tw.core.manager.assume('fc');
    const sched = new RefreshScheduler(tw.core.manager, { clock, random: seeded(4), jitterMaxMs: 0 });
    sched.start();
    const before = assumeCalls(tw) + (tw.sandbox.stats.byCode['NoAnswer'] ?? 0);
    tw.sandbox.faults.inject({ action: 'AssumeRole', kind: 'server-error', times: 3 });
    tw.sandbox.faults.inject({ action: 'AssumeRole', kind: 'hang', times: 1 });
    tw.sandbox.faults.inject({ action: 'AssumeRole', kind: 'throttle', times: 2 });
    const due = (first.expiresAt ?? 0) - 300_000;
    let minLeft = Infinity;
    for (let t = due - 60_000; t <= due + 280_000; t += 5_000) {
      await clock.runUntil(t, () => sched.idle());
      await sched.idle();
      const live = tw.core.manager.liveSession('fc');
      minLeft = Math.min(minLeft, (live?.creds?.expiresAt ?? 0) - clock.now());
      if (sched.stats.refreshes === 0) {
        expect(live?.creds?.expiresAt).toBe(first.expiresAt); // old credentials kept
        expect(['active', 'expiring', 'refreshing']).toContain((await tw.core.manager.view('fc')).state);
        await expectNoPartialProfile(tw);
      }
    }
    sched.stop();
    const calls = assumeCalls(tw) + (tw.sandbox.stats.byCode['NoAnswer'] ?? 0) - before;
    expect(sched.stats.failures).toBe(6);
    expect(sched.stats.refreshes).toBe(1);
    expect(calls).toBeLessThanOrEqual(8); // 6 faults + 1 success (+1 hung call counted twice at most)
    expect(minLeft).toBeGreaterThan(0);
    expect(sched.stats.expiredUnrefreshed).toBe(0);
    const after = await tw.core.manager.view('fc');
    expect(after.state).toBe('active');
    expect(after.expiresAt).toBeGreaterThan(first.expiresAt ?? 0);
    expect(await expectNoPartialProfile(tw)).toBeDefined();
  }, 20_000);

  it('credentials that expire early are refreshed, but STS is not hammered while it keeps issuing short ones', async () => {
    const clock = new FakeClock();
    const tw = await world(clock);
    // every answer for the next 100 calls lives ~60 s (shorter than the 5-minute lead time)
    tw.sandbox.faults.inject({ action: 'AssumeRole', kind: 'early-expiry', times: 100 });
    const first = await tw.core.manager.assume('fc');
    expect((first.expiresAt ?? 0) - clock.now()).toBeLessThanOrEqual(61_000);
    const sched = new RefreshScheduler(tw.core.manager, { clock, random: seeded(9) });
    sched.start();
    const before = assumeCalls(tw);
    let minLeft = Infinity;
    const start = clock.now();
    for (let t = start; t <= start + 10 * 60_000; t += 10_000) {
      await clock.runUntil(t, () => sched.idle());
      await sched.idle(); // refreshes started by start() or a replan, not by a timer
      minLeft = Math.min(minLeft, (tw.core.manager.liveSession('fc')?.creds?.expiresAt ?? 0) - clock.now());
    }
    sched.stop();
    const calls = assumeCalls(tw) - before;
    // 10 minutes of 60-second credentials need about 10 calls; a tight loop would burn all 100
    expect(calls).toBeGreaterThanOrEqual(9);
    expect(calls).toBeLessThanOrEqual(40);
    expect(minLeft).toBeGreaterThan(0);
    expect(await expectNoPartialProfile(tw)).toBeDefined();
  }, 20_000);

  it('clock skew during refresh marks the session error once and stops retrying', async () => {
    const clock = new FakeClock();
    const tw = await world(clock);
    const first = await tw.core.manager.assume('fc');
    const sched = new RefreshScheduler(tw.core.manager, { clock, jitterMaxMs: 0 });
    sched.start();
    tw.sandbox.faults.clockSkewSeconds = -3600;
    const before = assumeCalls(tw);
    await clock.runUntil((first.expiresAt ?? 0) + 3600_000, () => sched.idle());
    sched.stop();
    expect(assumeCalls(tw) - before).toBe(1);
    const view = await tw.core.manager.view('fc');
    expect(view.state).toBe('error');
    expect(view.error?.stsCode).toBe('InvalidTimeStamp.Expired');
    expect(view.error?.message).toMatch(/clock/);
    expect(clock.pending).toBe(0);
    await expectNoPartialProfile(tw);
  });
});
