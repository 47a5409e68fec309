/**
 * The sandbox's checks over real HTTP, with hand-signed requests (callSts) so every field can be
 * made wrong on purpose: authentication order, tokens, parameters, trust, durations, chaining.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callSts, EMPTY_SHA256, startSandbox, v2Sign, v3DefaultSignedHeaders, v3Sign, type CallerKey, type SandboxHandle, type StsCallOptions, type StsCallResult } from '../../main/sandbox/index';

const userSecret = randomBytes(18).toString('base64url');
let clock = Date.UTC(2031, 0, 1, 0, 0, 0);
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

const user = (): CallerKey => ({ accessKeyId: sb.world.testUser.accessKeyId, accessKeySecret: userSecret });

function call(action: string, params: Record<string, string>, over: Partial<StsCallOptions> = {}): Promise<StsCallResult> {
  return callSts({ url: sb.url, action, params, credentials: user(), ...over });
}

function assume(roleName: string, extra: Record<string, string> = {}, over: Partial<StsCallOptions> = {}): Promise<StsCallResult> {
  return call('AssumeRole', { RoleArn: sb.world.roleArn(roleName), RoleSessionName: 'tester', ...extra }, over);
}

async function session(roleName: string, creds: CallerKey = user(), extra: Record<string, string> = {}): Promise<CallerKey & { expiration: string }> {
  const r = await assume(roleName, extra, { credentials: creds });
  expect(r.status, r.text).toBe(200);
  const c = r.json?.['Credentials'] as { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string; Expiration: string };
  return { accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, securityToken: c.SecurityToken, expiration: c.Expiration };
}

function expectError(r: StsCallResult, status: number, code: string, message?: string | RegExp): void {
  expect({ status: r.status, code: r.code }, r.text).toEqual({ status, code });
  expect(r.contentType).toBe('application/json;charset=utf-8');
  const j = r.json ?? {};
  expect(j['RequestId']).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
  expect(j['HostId']).toBe('sts.aliyuncs.com');
  expect(j['Recommend']).toBe(`https://api.aliyun.com/troubleshoot?q=${code}&product=Sts&requestId=${String(j['RequestId'])}`);
  if (typeof message === 'string') expect(j['Message']).toBe(message);
  else if (message) expect(j['Message']).toMatch(message);
  expect(r.text).not.toContain(userSecret);
}

describe('request styles', () => {
  it.each([
    ['v3', 'POST', 'query'],
    ['v3', 'GET', 'query'],
    ['v3', 'POST', 'body'],
    ['v2', 'POST', 'query'],
    ['v2', 'GET', 'query'],
    ['v2', 'POST', 'body'],
  ] as const)('%s %s with parameters in the %s', async (signature, method, paramsIn) => {
    const r = await assume('fc-admin', {}, { signature, method, paramsIn });
    expect(r.status, r.text).toBe(200);
    expect(r.contentType).toBe('application/json;charset=utf-8');
    expect((r.json?.['Credentials'] as Record<string, string>)['Expiration']).toBe('2031-01-01T01:00:00Z');
  });

  it('V2 with everything, Signature included, in the form body', async () => {
    const params: Record<string, string> = {
      Action: 'GetCallerIdentity',
      Version: '2015-04-01',
      Format: 'JSON',
      AccessKeyId: sb.world.testUser.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: randomBytes(8).toString('hex'),
      Timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    params['Signature'] = v2Sign('POST', params, userSecret).signature;
    const res = await fetch(`${sb.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ IdentityType: 'RAMUser', Arn: 'acs:ram::9876543210987654:user/test_user1' });
  });

  it('V3: a body that does not match x-acs-content-sha256 is refused even when correctly signed', async () => {
    // Correctly signed over headers that claim the hash of an empty body, then a body is sent.
    const headers: Record<string, string> = {
      host: new URL(sb.url).host,
      'x-acs-action': 'GetCallerIdentity',
      'x-acs-version': '2015-04-01',
      'x-acs-date': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      'x-acs-signature-nonce': randomBytes(8).toString('hex'),
      'x-acs-content-sha256': EMPTY_SHA256,
      'content-type': 'application/x-www-form-urlencoded',
    };
    const signed = v3Sign({ method: 'POST', query: [], headers, signedHeaders: v3DefaultSignedHeaders(headers), payloadHash: EMPTY_SHA256 }, sb.world.testUser.accessKeyId, userSecret);
    const res = await fetch(`${sb.url}/`, { method: 'POST', headers: { ...headers, authorization: signed.authorization }, body: 'RoleArn=x' });
    const body = (await res.json()) as Record<string, string>;
    expect(res.status).toBe(400);
    expect(body['Code']).toBe('SignatureDoesNotMatch');
    expect(body['Message']).toBe('Specified signature does not match our calculation. The x-acs-content-sha256 header does not match the SHA-256 of the request body.');
  });

  it('V3: an x-acs-* header left out of SignedHeaders is IncompleteSignature', async () => {
    const headers: Record<string, string> = {
      'x-acs-action': 'GetCallerIdentity',
      'x-acs-version': '2015-04-01',
      'x-acs-date': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      'x-acs-signature-nonce': randomBytes(8).toString('hex'),
      'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      authorization: 'ACS3-HMAC-SHA256 Credential=RTSANDBOX0USER0001,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-version,Signature=00',
    };
    const res = await fetch(`${sb.url}/`, { method: 'POST', headers });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Record<string, string>)['Code']).toBe('IncompleteSignature');
  });

  it('unknown action, wrong version, unsupported method, no signature, other paths', async () => {
    expectError(await call('DescribeRegions', {}), 400, 'InvalidAction.NotFound');
    expectError(await call('DescribeRegions', {}, { signature: 'v2' }), 400, 'InvalidAction.NotFound');
    expectError(await call('GetCallerIdentity', {}, { version: '2014-05-26' }), 400, 'InvalidVersion');
    expectError(await call('GetCallerIdentity', {}, { version: '2014-05-26', signature: 'v2' }), 400, 'InvalidVersion');
    const put = await fetch(`${sb.url}/`, { method: 'PUT' });
    expect(put.status).toBe(405);
    const unsigned = await fetch(`${sb.url}/?Action=GetCallerIdentity&Version=2015-04-01`);
    expect(unsigned.status).toBe(400);
    expect(((await unsigned.json()) as Record<string, string>)['Code']).toBe('MissingParameter');
    const other = await fetch(`${sb.url}/nope`);
    expect(other.status).toBe(404);
  });

  it('a non-form, non-JSON body is InvalidParameter.ContentType', async () => {
    const res = await fetch(`${sb.url}/?Action=GetCallerIdentity`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Record<string, string>)['Code']).toBe('InvalidParameter.ContentType');
  });
});

describe('authentication checks', () => {
  it('unknown key -> 404 InvalidAccessKeyId.NotFound (also for unknown STS keys)', async () => {
    for (const signature of ['v2', 'v3'] as const) {
      expectError(await call('GetCallerIdentity', {}, { signature, credentials: { accessKeyId: 'RTSANDBOX0NOBODY01', accessKeySecret: 'x' } }), 404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      expectError(
        await call('GetCallerIdentity', {}, { signature, credentials: { accessKeyId: 'STS.NnoSuchKey', accessKeySecret: 'x', securityToken: 'CAISx' } }),
        404,
        'InvalidAccessKeyId.NotFound',
      );
    }
  });

  it('inactive key -> InvalidAccessKeyId.Inactive; setKeyActive toggles it', async () => {
    const disabled = sb.world.disabledKey;
    expectError(await call('GetCallerIdentity', {}, { credentials: disabled }), 400, 'InvalidAccessKeyId.Inactive', 'Specified access key is disabled.');
    sb.world.setKeyActive(disabled.accessKeyId, true);
    expect((await call('GetCallerIdentity', {}, { credentials: disabled })).status).toBe(200);
    sb.world.setKeyActive(disabled.accessKeyId, false);
    sb.world.setKeyActive(sb.world.testUser.accessKeyId, false);
    try {
      expectError(await call('GetCallerIdentity', {}, { signature: 'v2' }), 400, 'InvalidAccessKeyId.Inactive');
    } finally {
      sb.world.setKeyActive(sb.world.testUser.accessKeyId, true);
    }
  });

  it('the key check comes before the signature check (inactive with a wrong secret is still Inactive)', async () => {
    expectError(await call('GetCallerIdentity', {}, { credentials: { ...sb.world.disabledKey, accessKeySecret: 'wrong' } }), 400, 'InvalidAccessKeyId.Inactive');
  });

  it('stale or future timestamps -> InvalidTimeStamp.Expired; inside the window is fine', async () => {
    for (const signature of ['v2', 'v3'] as const) {
      expectError(await call('GetCallerIdentity', {}, { signature, timestamp: Date.now() - 16 * 60_000 }), 400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      expectError(await call('GetCallerIdentity', {}, { signature, timestamp: Date.now() + 16 * 60_000 }), 400, 'InvalidTimeStamp.Expired');
      expect((await call('GetCallerIdentity', {}, { signature, timestamp: Date.now() - 14 * 60_000 })).status).toBe(200);
    }
  });

  it('clockSkewSeconds makes the server think the client clock is off', async () => {
    sb.faults.clockSkewSeconds = 3600;
    expectError(await call('GetCallerIdentity', {}), 400, 'InvalidTimeStamp.Expired');
    sb.faults.clear();
    expect(sb.faults.clockSkewSeconds).toBe(0);
    expect((await call('GetCallerIdentity', {})).status).toBe(200);
  });

  it('a reused nonce -> SignatureNonceUsed; a nonce is only spent by a correctly signed request', async () => {
    for (const signature of ['v2', 'v3'] as const) {
      const nonce = randomBytes(12).toString('hex');
      expectError(await call('GetCallerIdentity', {}, { signature, nonce, signingSecret: 'wrong' }), 400, 'SignatureDoesNotMatch');
      expect((await call('GetCallerIdentity', {}, { signature, nonce })).status).toBe(200);
      expectError(await call('GetCallerIdentity', {}, { signature, nonce }), 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    }
  });

  it('V2 SignatureDoesNotMatch carries the exact server StringToSign', async () => {
    const t = Math.floor(Date.now() / 1000) * 1000;
    const ts = new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const r = await call('GetCallerIdentity', {}, { signature: 'v2', method: 'GET', signingSecret: 'wrong', nonce: 'fixed-nonce-1', timestamp: t });
    expectError(
      r,
      400,
      'SignatureDoesNotMatch',
      'Specified signature is not matched with our calculation. server string to sign is:' +
        'GET&%2F&AccessKeyId%3DRTSANDBOX0USER0001%26Action%3DGetCallerIdentity%26Format%3DJSON%26SignatureMethod%3DHMAC-SHA1' +
        `%26SignatureNonce%3Dfixed-nonce-1%26SignatureVersion%3D1.0%26Timestamp%3D${ts.replace(/:/g, '%253A')}%26Version%3D2015-04-01`,
    );
  });

  it('V3 SignatureDoesNotMatch echoes the canonical request with the security token masked', async () => {
    const a = await session('fc-admin');
    const r = await call('GetCallerIdentity', {}, { credentials: a, signingSecret: 'wrong' });
    expectError(r, 400, 'SignatureDoesNotMatch', /^Specified signature does not match our calculation\. server StringToSign is \[ACS3-HMAC-SHA256\n[0-9a-f]{64}\] server CanonicalRequest is \[POST\n\/\n/);
    expect(String(r.json?.['Message'])).toContain('x-acs-security-token:***\n');
    expect(r.text).not.toContain(a.securityToken ?? '');
    expect(r.text).not.toContain(a.accessKeySecret);
  });

  it('STS keys need their own, live security token', async () => {
    const a = await session('fc-admin');
    const b = await session('fc-admin');
    for (const signature of ['v2', 'v3'] as const) {
      expectError(await call('GetCallerIdentity', {}, { signature, credentials: { ...a, securityToken: undefined } }), 400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action.');
      expectError(await call('GetCallerIdentity', {}, { signature, credentials: { ...a, securityToken: 'CAISnot-a-real-token' } }), 400, 'InvalidSecurityToken.Malformed');
      expectError(await call('GetCallerIdentity', {}, { signature, credentials: { ...a, securityToken: b.securityToken } }), 400, 'InvalidSecurityToken.MismatchWithAccessKey');
      expect((await call('GetCallerIdentity', {}, { signature, credentials: a })).status).toBe(200);
    }
    // Expiry follows the sandbox clock.
    const saved = clock;
    clock += 3600_000;
    try {
      expectError(await call('GetCallerIdentity', {}, { credentials: a }), 400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
      expectError(await call('GetCallerIdentity', {}, { credentials: a, signature: 'v2' }), 400, 'InvalidSecurityToken.Expired');
    } finally {
      clock = saved;
    }
  });
});

describe('AssumeRole parameters', () => {
  it.each([
    ['acs:ram::1234567890123456:role', 'InvalidParameter.RoleArn'],
    ['arn:aws:iam::123456789012:role/x', 'InvalidParameter.RoleArn'],
    ['acs:ram::1234567890123456:role/bad name', 'InvalidParameter.RoleArn'],
  ])('RoleArn %j -> %s', async (arn, code) => {
    expectError(await call('AssumeRole', { RoleArn: arn, RoleSessionName: 'tester' }), 400, code, 'The parameter RoleArn is wrongly formed.');
  });

  it('missing RoleArn / RoleSessionName -> MissingParameter', async () => {
    expectError(await call('AssumeRole', { RoleSessionName: 'tester' }), 400, 'MissingParameter', /"RoleArn"/);
    expectError(await call('AssumeRole', { RoleArn: sb.world.roleArn('fc-admin') }), 400, 'MissingParameter', /"RoleSessionName"/);
  });

  it.each(['a', 'abc*abc', '中文名字', 'has space', 'x'.repeat(65)])('RoleSessionName %j -> InvalidParameter.RoleSessionName', async (name) => {
    expectError(await assume('fc-admin', { RoleSessionName: name }), 400, 'InvalidParameter.RoleSessionName', 'The parameter RoleSessionName is wrongly formed.');
  });

  it('session names at the limits are fine', async () => {
    expect((await assume('fc-admin', { RoleSessionName: 'ab' })).status).toBe(200);
    expect((await assume('fc-admin', { RoleSessionName: `${'x'.repeat(60)}.@_-` })).status).toBe(200);
  });

  it.each(['899', '43201', 'abc', '3600.5', '-900', ''])('DurationSeconds %j -> InvalidParameter.DurationSeconds', async (d) => {
    expectError(await assume('long-session', { DurationSeconds: d }), 400, 'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/1hr.');
  });

  it('durations up to the role maximum: fc-admin 3600, readonly 7200, long-session 43200', async () => {
    expectError(await assume('fc-admin', { DurationSeconds: '3601' }), 400, 'InvalidParameter.DurationSeconds');
    expect((await assume('fc-admin', { DurationSeconds: '900' })).status).toBe(200);
    expectError(await assume('readonly', { DurationSeconds: '7201' }), 400, 'InvalidParameter.DurationSeconds');
    const r = await assume('readonly', { DurationSeconds: '7200' });
    expect((r.json?.['Credentials'] as Record<string, string>)['Expiration']).toBe('2031-01-01T02:00:00Z');
    const l = await assume('long-session', { DurationSeconds: '43200' });
    expect((l.json?.['Credentials'] as Record<string, string>)['Expiration']).toBe('2031-01-01T12:00:00Z');
    // Default 3600.
    const d = await assume('long-session');
    expect((d.json?.['Credentials'] as Record<string, string>)['Expiration']).toBe('2031-01-01T01:00:00Z');
  });

  it.each(['a', 'bad id!', 'x'.repeat(1225)])('ExternalId %j -> InvalidParameter.ExternalId', async (id) => {
    expectError(await assume('vendor-access', { ExternalId: id }), 400, 'InvalidParameter.ExternalId', 'The parameter ExternalId is wrongly formed.');
  });

  it('Policy grammar and size', async () => {
    expectError(await assume('fc-admin', { Policy: '{"Version":"1"}' }), 400, 'InvalidParameter.PolicyGrammar', 'The parameter Policy has not passed grammar check.');
    expectError(await assume('fc-admin', { Policy: 'not json' }), 400, 'InvalidParameter.PolicyGrammar');
    const big = JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'oss:GetObject', Resource: `acs:oss:*:*:${'b'.repeat(2100)}` }] });
    expectError(await assume('fc-admin', { Policy: big }), 400, 'InvalidParameter.PolicySize');
    const ok = await assume('fc-admin', { Policy: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:GetObject","Resource":"*"}]}' });
    expect(ok.status).toBe(200);
  });

  it('SourceIdentity is validated and echoed', async () => {
    const r = await assume('fc-admin', { SourceIdentity: 'alice' });
    expect(r.json?.['SourceIdentity']).toBe('alice');
    expect((await assume('fc-admin')).json).not.toHaveProperty('SourceIdentity');
    expectError(await assume('fc-admin', { SourceIdentity: 'acs:alice' }), 400, 'InvalidParameter.SourceIdentity');
  });

  it('parameter checks come before the role lookup; the role lookup before trust', async () => {
    expectError(await call('AssumeRole', { RoleArn: sb.world.roleArn('ghost'), RoleSessionName: 'a' }), 400, 'InvalidParameter.RoleSessionName');
    expectError(await call('AssumeRole', { RoleArn: sb.world.roleArn('ghost'), RoleSessionName: 'ab' }), 404, 'EntityNotExist.Role', 'The specified Role not exists .');
    expectError(await call('AssumeRole', { RoleArn: 'acs:ram::1111222233334444:role/fc-admin', RoleSessionName: 'ab' }), 404, 'EntityNotExist.Role');
  });
});

describe('permission, trust and ExternalId', () => {
  it('revoked-role -> 403 NoPermission with the documented message', async () => {
    const r = await assume('revoked-role');
    expectError(r, 403, 'NoPermission', 'You are not authorized to do this action. You should be authorized by RAM.');
    expect(r.json?.['AccessDeniedDetail']).toMatchObject({ AuthAction: 'sts:AssumeRole', PolicyType: 'AssumeRolePolicy', NoPermissionType: 'ImplicitDeny', AuthPrincipalType: 'SubUser' });
  });

  it('no_perm_user lacks sts:AssumeRole -> NoPermission, but may still call GetCallerIdentity', async () => {
    const creds = sb.world.noPermUser;
    const r = await assume('fc-admin', {}, { credentials: creds });
    expectError(r, 403, 'NoPermission');
    expect((r.json?.['AccessDeniedDetail'] as Record<string, string>)['PolicyType']).toBe('AccountLevelIdentityBasedPolicy');
    const who = await call('GetCallerIdentity', {}, { credentials: creds });
    expect(who.json).toMatchObject({ IdentityType: 'RAMUser', Arn: 'acs:ram::9876543210987654:user/no_perm_user' });
  });

  it('readonly trusts test_user1 only', async () => {
    expect((await assume('readonly')).status).toBe(200);
    sb.world.setUserCanAssumeRole('no_perm_user', true);
    try {
      expectError(await assume('readonly', {}, { credentials: sb.world.noPermUser }), 403, 'NoPermission');
      expect((await assume('fc-admin', {}, { credentials: sb.world.noPermUser })).status).toBe(200);
    } finally {
      sb.world.setUserCanAssumeRole('no_perm_user', false);
    }
  });

  it('vendor-access: missing or wrong ExternalId -> NoPermission; the right one works', async () => {
    expectError(await assume('vendor-access'), 403, 'NoPermission');
    expectError(await assume('vendor-access', { ExternalId: 'rt-ext-0002' }), 403, 'NoPermission');
    expect((await assume('vendor-access', { ExternalId: 'rt-ext-0001' })).status).toBe(200);
  });

  it('revoking trust at runtime, deleting and adding roles', async () => {
    const name = `tmp-${randomBytes(3).toString('hex')}`;
    sb.world.addRole({ name, trustedPrincipals: ['acs:ram::9876543210987654:user/test_user1'], maxSessionDuration: 5400 });
    const ok = await assume(name, { DurationSeconds: '5400' });
    expect(ok.status, ok.text).toBe(200);
    // Issued sessions keep working after a revoke (as on the real service) ...
    const s = await session(name);
    sb.world.revokeTrust(name);
    expectError(await assume(name), 403, 'NoPermission');
    expect((await call('GetCallerIdentity', {}, { credentials: s })).json).toMatchObject({ Arn: `acs:ram::1234567890123456:assumed-role/${name}/tester` });
    sb.world.deleteRole(name);
    expectError(await assume(name), 404, 'EntityNotExist.Role');
  });
});

describe('role chaining', () => {
  it('default: chained sessions may use the target role maximum', async () => {
    const src = await session('fc-admin');
    const r = await assume('chain-target', { DurationSeconds: '43200' }, { credentials: src });
    expect(r.status, r.text).toBe(200);
    expect((r.json?.['Credentials'] as Record<string, string>)['Expiration']).toBe('2031-01-01T12:00:00Z');
    // Chaining again from the chained session: chain-target trusts only fc-admin.
    const hop = await session('chain-target', src);
    expectError(await assume('chain-target', {}, { credentials: hop }), 403, 'NoPermission');
  });

  it('a role without sts:AssumeRole cannot chain; a session policy can take it away', async () => {
    const ro = await session('readonly');
    expectError(await assume('chain-target', {}, { credentials: ro }), 403, 'NoPermission');
    const narrowed = await session('fc-admin', user(), { Policy: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"fc:*","Resource":"*"}]}' });
    const r = await assume('chain-target', {}, { credentials: narrowed });
    expectError(r, 403, 'NoPermission');
    expect((r.json?.['AccessDeniedDetail'] as Record<string, string>)['AuthPrincipalType']).toBe('AssumedRoleUser');
  });

  it('chainedCap: STS callers are capped at 3600 s with the fixed message; users are not', async () => {
    const capped = await startSandbox({ userSecret, chainedCap: true, now: () => clock });
    try {
      const c = (action: string, params: Record<string, string>, creds: CallerKey) => callSts({ url: capped.url, action, params, credentials: creds });
      const first = await c('AssumeRole', { RoleArn: capped.world.roleArn('fc-admin'), RoleSessionName: 'src' }, user());
      const k = first.json?.['Credentials'] as Record<string, string>;
      const src: CallerKey = { accessKeyId: k['AccessKeyId'] ?? '', accessKeySecret: k['AccessKeySecret'] ?? '', securityToken: k['SecurityToken'] };
      const tooLong = await c('AssumeRole', { RoleArn: capped.world.roleArn('chain-target'), RoleSessionName: 'hop', DurationSeconds: '3601' }, src);
      expectError(tooLong, 400, 'InvalidParameter.DurationSeconds', 'The Min/Max value of DurationSeconds is 15min/1hr.');
      const atCap = await c('AssumeRole', { RoleArn: capped.world.roleArn('chain-target'), RoleSessionName: 'hop', DurationSeconds: '3600' }, src);
      expect(atCap.status, atCap.text).toBe(200);
      const userLong = await c('AssumeRole', { RoleArn: capped.world.roleArn('long-session'), RoleSessionName: 'uu', DurationSeconds: '43200' }, user());
      expect(userLong.status).toBe(200);
    } finally {
      await capped.close();
    }
  });
});

describe('throttling and stats', () => {
  it('throttlePerSecond -> Throttling.User past the limit', async () => {
    const t = await startSandbox({ userSecret, throttlePerSecond: 2 });
    try {
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await callSts({ url: t.url, action: 'GetCallerIdentity', credentials: user() }));
      expect(results.map((r) => r.status)).toEqual([200, 200, 400]);
      expectError(results[2] as StsCallResult, 400, 'Throttling.User', 'Request was denied due to user flow control.');
      expect(t.stats.byCode['Throttling.User']).toBe(1);
    } finally {
      await t.close();
    }
  });

  it('counts calls per action and code, concurrency, and never records secrets', async () => {
    const s = await startSandbox({ userSecret });
    try {
      const creds = { accessKeyId: s.world.testUser.accessKeyId, accessKeySecret: userSecret };
      // Hold each call 50 ms so the six overlap.
      s.faults.inject({ action: 'AssumeRole', kind: 'slow', delayMs: 50, times: 6 });
      const rs = await Promise.all(
        Array.from({ length: 6 }, () => callSts({ url: s.url, action: 'AssumeRole', params: { RoleArn: s.world.roleArn('fc-admin'), RoleSessionName: 'pp' }, credentials: creds })),
      );
      await callSts({ url: s.url, action: 'GetCallerIdentity', credentials: { ...creds, accessKeySecret: 'bad' } });
      expect(s.stats.total).toBe(7);
      expect(s.stats.calls).toEqual({ AssumeRole: 6, GetCallerIdentity: 1 });
      expect(s.stats.byCode).toEqual({ Success: 6, SignatureDoesNotMatch: 1 });
      expect(s.stats.maxConcurrent).toBe(6);
      expect(s.stats.inFlight).toBe(0);
      expect(s.stats.processingMs).toBeGreaterThanOrEqual(6 * 45);
      expect(s.stats.recent).toHaveLength(7);
      expect(s.stats.recent[6]).toMatchObject({ action: 'GetCallerIdentity', accessKeyId: 'RTSANDBOX0USER0001', code: 'SignatureDoesNotMatch', status: 400, signature: 'v3' });
      const dump = JSON.stringify(s.stats);
      expect(dump).not.toContain(userSecret);
      for (const r of rs) {
        const c = r.json?.['Credentials'] as Record<string, string>;
        expect(dump).not.toContain(c['AccessKeySecret']);
        expect(dump).not.toContain(c['SecurityToken']);
      }
      s.stats.reset();
      expect(s.stats.total).toBe(0);
      expect(s.stats.recent).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
