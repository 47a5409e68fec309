/**
 * Fault injection over real HTTP: each kind, action targeting, counts, clear(), and close()
 * ending hung requests. Uses hand-signed calls and, where the SDK's reaction matters, the
 * official @alicloud/sts20150401 client.
 */
import { randomBytes } from 'node:crypto';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import Sts, { AssumeRoleRequest } from '@alicloud/sts20150401';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callSts, startSandbox, type SandboxHandle, type StsCallResult } from '../../main/sandbox/index';

const userSecret = randomBytes(18).toString('base64url');
let clock = Date.UTC(2032, 2, 3, 4, 5, 6);
let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ userSecret, now: () => clock });
});
afterAll(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.faults.clear();
});

const creds = () => ({ accessKeyId: sb.world.testUser.accessKeyId, accessKeySecret: userSecret });
const assume = (signature: 'v2' | 'v3' = 'v3'): Promise<StsCallResult> =>
  callSts({ url: sb.url, action: 'AssumeRole', params: { RoleArn: sb.world.roleArn('fc-admin'), RoleSessionName: 'faulty' }, credentials: creds(), signature });
const whoami = (): Promise<StsCallResult> => callSts({ url: sb.url, action: 'GetCallerIdentity', credentials: creds() });
const sdk = (): Sts => new Sts(new $OpenApiUtil.Config({ ...creds(), endpoint: `127.0.0.1:${sb.port}`, protocol: 'http' }));

describe('fault kinds', () => {
  it('server-error: 500 InternalError once, then normal', async () => {
    sb.faults.inject({ action: 'AssumeRole', kind: 'server-error' });
    const r = await assume();
    expect(r.status).toBe(500);
    expect(r.contentType).toBe('application/json;charset=utf-8');
    expect(r.json).toMatchObject({ Code: 'InternalError', Message: 'STS Server Internal Error happened, please send the RequestId to us.', HostId: 'sts.aliyuncs.com' });
    expect((await assume()).status).toBe(200);
  });

  it('server-error with status 503 -> ServiceUnavailable; the SDK raises a ServerError', async () => {
    sb.faults.inject({ kind: 'server-error', status: 503 });
    let err: { name?: string; code?: string; statusCode?: number } = {};
    try {
      await sdk().assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('fc-admin'), roleSessionName: 'x1' }));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err).toMatchObject({ code: 'ServiceUnavailable', statusCode: 503 });
    expect(err.name).toBe('ServerError');
  });

  it('throttle: 400 Throttling.User; the SDK raises a ThrottlingError', async () => {
    sb.faults.inject({ action: 'AssumeRole', kind: 'throttle', times: 2 });
    const raw = await assume('v2');
    expect(raw.status).toBe(400);
    expect(raw.json).toMatchObject({ Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' });
    let err: { name?: string; code?: string; statusCode?: number } = {};
    try {
      await sdk().assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('fc-admin'), roleSessionName: 'x1' }));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err).toMatchObject({ name: 'ThrottlingError', code: 'Throttling.User', statusCode: 400 });
    expect((await assume()).status).toBe(200);
  });

  it('slow: answers normally after delayMs, and the delay counts as server time', async () => {
    sb.faults.inject({ kind: 'slow', delayMs: 150 });
    const before = sb.stats.processingMs;
    const t0 = performance.now();
    const r = await assume();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(r.status).toBe(200);
    expect(sb.stats.processingMs - before).toBeGreaterThanOrEqual(140);
    // Used up after one call.
    expect(sb.faults.pending).toEqual([]);
  });

  it('malformed: HTTP 200 with half a JSON document; the SDK fails to parse it', async () => {
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'malformed' });
    const r = await whoami();
    expect(r.status).toBe(200);
    expect(r.json).toBeUndefined();
    expect(r.text.startsWith('{"RequestId"') || r.text.startsWith('{"IdentityType"')).toBe(true);
    expect(() => JSON.parse(r.text) as unknown).toThrow(SyntaxError);
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'malformed' });
    await expect(sdk().getCallerIdentity()).rejects.toThrow();
    expect((await whoami()).json).toMatchObject({ IdentityType: 'RAMUser' });
  });

  it('early-expiry: credentials expire ~60 s from now, and really stop working then', async () => {
    sb.faults.inject({ action: 'AssumeRole', kind: 'early-expiry' });
    const r = await assume();
    const c = r.json?.['Credentials'] as Record<string, string>;
    expect(c['Expiration']).toBe('2032-03-03T04:06:06Z');
    const sts = { accessKeyId: c['AccessKeyId'] ?? '', accessKeySecret: c['AccessKeySecret'] ?? '', securityToken: c['SecurityToken'] };
    expect((await callSts({ url: sb.url, action: 'GetCallerIdentity', credentials: sts })).status).toBe(200);
    const saved = clock;
    clock += 61_000;
    try {
      expect((await callSts({ url: sb.url, action: 'GetCallerIdentity', credentials: sts })).code).toBe('InvalidSecurityToken.Expired');
    } finally {
      clock = saved;
    }
    // Used up: the next AssumeRole gets the normal hour.
    expect(((await assume()).json?.['Credentials'] as Record<string, string>)['Expiration']).toBe('2032-03-03T05:05:06Z');
  });

  it('early-expiry is only used up by a successful AssumeRole', async () => {
    sb.faults.inject({ action: 'AssumeRole', kind: 'early-expiry' });
    const bad = await callSts({ url: sb.url, action: 'AssumeRole', params: { RoleArn: sb.world.roleArn('revoked-role'), RoleSessionName: 'xx' }, credentials: creds() });
    expect(bad.code).toBe('NoPermission');
    expect(((await assume()).json?.['Credentials'] as Record<string, string>)['Expiration']).toBe('2032-03-03T04:06:06Z');
  });

  it('wrong-content-type: same body, Content-Type text/html', async () => {
    sb.faults.inject({ kind: 'wrong-content-type' });
    const r = await whoami();
    expect(r.status).toBe(200);
    expect(r.contentType).toBe('text/html;charset=utf-8');
    expect(r.json).toMatchObject({ IdentityType: 'RAMUser' });
    expect((await whoami()).contentType).toBe('application/json;charset=utf-8');
  });

  it('hang: no answer until the client gives up; counted as NoAnswer', async () => {
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'hang' });
    const t0 = performance.now();
    await expect(callSts({ url: sb.url, action: 'GetCallerIdentity', credentials: creds(), timeoutMs: 200 })).rejects.toThrow();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    await waitFor(() => sb.stats.inFlight === 0);
    expect(sb.stats.recent[sb.stats.recent.length - 1]).toMatchObject({ action: 'GetCallerIdentity', code: 'NoAnswer' });
    expect((await whoami()).status).toBe(200);
  });
});

describe('fault targeting', () => {
  it('action filter, times, pending and clear()', async () => {
    sb.faults.inject({ action: 'GetCallerIdentity', kind: 'server-error', times: 2 });
    expect((await assume()).status).toBe(200);
    expect((await whoami()).status).toBe(500);
    expect(sb.faults.pending).toEqual([{ action: 'GetCallerIdentity', kind: 'server-error', times: 2, remaining: 1 }]);
    expect((await whoami()).status).toBe(500);
    expect((await whoami()).status).toBe(200);
    sb.faults.inject({ kind: 'throttle', times: Infinity });
    expect((await assume()).status).toBe(400);
    expect((await whoami()).status).toBe(400);
    sb.faults.clear();
    expect(sb.faults.pending).toEqual([]);
    expect((await whoami()).status).toBe(200);
  });

  it('faults never touch the federation endpoint', async () => {
    sb.faults.inject({ kind: 'server-error', times: Infinity });
    const res = await fetch(`${sb.url}/federation?Action=GetSigninToken`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Record<string, string>)['Code']).toBe('MissingParameter');
  });

  it('rejects nonsense specs', () => {
    expect(() => sb.faults.inject({ kind: 'slow', times: 0 })).toThrow();
    expect(() => sb.faults.inject({ kind: 'slow', delayMs: -1 })).toThrow();
  });
});

describe('close()', () => {
  it('ends hung requests so nothing waits forever', async () => {
    const s = await startSandbox({ userSecret });
    s.faults.inject({ kind: 'hang', times: 3 });
    const c = { accessKeyId: s.world.testUser.accessKeyId, accessKeySecret: userSecret };
    const pending = [1, 2, 3].map(() => callSts({ url: s.url, action: 'GetCallerIdentity', credentials: c }).then(
      () => 'answered',
      () => 'failed',
    ));
    await waitFor(() => s.stats.inFlight === 3);
    const t0 = performance.now();
    await s.close();
    expect(await Promise.all(pending)).toEqual(['failed', 'failed', 'failed']);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(s.stats.byCode['NoAnswer']).toBe(3);
    // close() is idempotent.
    await s.close();
  });

  it('ends a pending slow request too', async () => {
    const s = await startSandbox({ userSecret });
    s.faults.inject({ kind: 'slow', delayMs: 60_000 });
    const p = callSts({ url: s.url, action: 'GetCallerIdentity', credentials: { accessKeyId: s.world.testUser.accessKeyId, accessKeySecret: userSecret } }).then(
      () => 'answered',
      () => 'failed',
    );
    await waitFor(() => s.stats.inFlight === 1);
    await s.close();
    expect(await p).toBe('failed');
  });
});

async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
