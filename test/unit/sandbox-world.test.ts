/**
 * The demo world (fixed constants, trust evaluation, mutations), form decoding, nonce cache,
 * throttle and describeWorld, without HTTP.
 */
import { describe, expect, it } from 'vitest';
import { describeWorld, type SandboxHandle } from '../../main/sandbox/index';
import { StsFault } from '../../main/sandbox/errors';
import { decodeForm, NonceCache, Throttle } from '../../main/sandbox/sts';
import {
  ACCOUNT_A,
  ACCOUNT_B,
  DEMO_USER_SECRET,
  DemoWorld,
  evaluateTrustPolicy,
  sessionPolicyAllows,
  trustPolicyFor,
  type Caller,
} from '../../main/sandbox/world';

const userCaller = (w: DemoWorld, name = 'test_user1'): Caller => {
  const user = w.getUser(name);
  if (!user) throw new Error('no user');
  return { kind: 'user', user };
};
const roleCaller = (w: DemoWorld, name: string): Caller => {
  const r = w.getRole(name);
  if (!r) throw new Error('no role');
  return { kind: 'role', role: { name: r.name, accountId: r.accountId, arn: r.arn, roleId: r.roleId }, sessionName: 's1' };
};

describe('demo world constants', () => {
  it('has the documented accounts, users, keys and roles', () => {
    const w = new DemoWorld('secret-under-test');
    expect(w.accounts).toEqual([
      { id: '1234567890123456', alias: 'acme-prod' },
      { id: '9876543210987654', alias: 'acme-dev' },
    ]);
    expect(w.testUser).toMatchObject({ name: 'test_user1', accountId: ACCOUNT_B, accessKeyId: 'RTSANDBOX0USER0001', accessKeySecret: 'secret-under-test', arn: 'acs:ram::9876543210987654:user/test_user1' });
    expect(w.noPermUser).toMatchObject({ name: 'no_perm_user', accessKeyId: 'RTSANDBOX0NOPERM01', accessKeySecret: 'secret-under-test-noperm' });
    expect(w.findKey('RTSANDBOX0DISABLED')).toMatchObject({ active: false, userName: 'test_user1' });
    expect(w.keys.every((k) => !k.accessKeyId.startsWith('LTAI'))).toBe(true);
    expect(w.roles.map((r) => [r.name, r.accountId, r.maxSessionDuration])).toEqual([
      ['fc-admin', ACCOUNT_A, 3600],
      ['readonly', ACCOUNT_A, 7200],
      ['revoked-role', ACCOUNT_A, 3600],
      ['vendor-access', ACCOUNT_A, 3600],
      ['chain-target', ACCOUNT_A, 43200],
      ['long-session', ACCOUNT_A, 43200],
    ]);
    expect(w.roleArn('fc-admin')).toBe('acs:ram::1234567890123456:role/fc-admin');
    expect(w.getRole('fc-admin')?.roleId).toMatch(/^3\d{18}$/);
    expect(w.getUser('test_user1')?.userId).toMatch(/^2\d{15}$/);
    // IDs are stable across worlds.
    expect(new DemoWorld().getRole('fc-admin')?.roleId).toBe(w.getRole('fc-admin')?.roleId);
    expect(new DemoWorld().usesDemoSecret).toBe(true);
    expect(w.usesDemoSecret).toBe(false);
  });
});

describe('trust evaluation', () => {
  const w = new DemoWorld();
  const role = (n: string) => {
    const r = w.getRole(n);
    if (!r) throw new Error(n);
    return r;
  };

  it('account root trust covers users of that account', () => {
    expect(w.evaluateTrust(role('fc-admin'), userCaller(w), undefined)).toEqual({ allowed: true });
    expect(w.evaluateTrust(role('fc-admin'), userCaller(w, 'no_perm_user'), undefined)).toEqual({ allowed: true });
  });

  it('user trust covers only that user', () => {
    expect(w.evaluateTrust(role('readonly'), userCaller(w), undefined).allowed).toBe(true);
    expect(w.evaluateTrust(role('readonly'), userCaller(w, 'no_perm_user'), undefined)).toEqual({ allowed: false, reason: 'not-trusted' });
  });

  it('revoked and role-principal trust', () => {
    expect(w.evaluateTrust(role('revoked-role'), userCaller(w), undefined)).toEqual({ allowed: false, reason: 'not-trusted' });
    expect(w.evaluateTrust(role('chain-target'), userCaller(w), undefined).allowed).toBe(false);
    expect(w.evaluateTrust(role('chain-target'), roleCaller(w, 'fc-admin'), undefined).allowed).toBe(true);
    expect(w.evaluateTrust(role('chain-target'), roleCaller(w, 'readonly'), undefined).allowed).toBe(false);
    // A role session of account A is not covered by account B's root.
    expect(w.evaluateTrust(role('fc-admin'), roleCaller(w, 'long-session'), undefined).allowed).toBe(false);
  });

  it('ExternalId condition', () => {
    expect(w.evaluateTrust(role('vendor-access'), userCaller(w), undefined)).toEqual({ allowed: false, reason: 'condition-failed' });
    expect(w.evaluateTrust(role('vendor-access'), userCaller(w), 'rt-ext-0002')).toEqual({ allowed: false, reason: 'condition-failed' });
    expect(w.evaluateTrust(role('vendor-access'), userCaller(w), 'rt-ext-0001')).toEqual({ allowed: true });
  });

  it('explicit Deny wins; string principals and wildcard actions work', () => {
    const policy = trustPolicyFor([`acs:ram::${ACCOUNT_B}:root`]);
    policy.Statement.push({ Effect: 'Deny', Action: 'sts:*', Principal: { RAM: `acs:ram::${ACCOUNT_B}:user/test_user1` } });
    expect(evaluateTrustPolicy(policy, userCaller(w), undefined)).toEqual({ allowed: false, reason: 'explicit-deny' });
    expect(evaluateTrustPolicy(policy, userCaller(w, 'no_perm_user'), undefined)).toEqual({ allowed: true });
    const other = { Version: '1', Statement: [{ Effect: 'Allow' as const, Action: 'ecs:*', Principal: { RAM: ACCOUNT_B } }] };
    expect(evaluateTrustPolicy(other, userCaller(w), undefined).allowed).toBe(false);
  });

  it('session policies narrow sts:AssumeRole', () => {
    expect(sessionPolicyAllows(undefined, 'sts:AssumeRole')).toBe(true);
    expect(sessionPolicyAllows('{"Version":"1","Statement":[{"Effect":"Allow","Action":"sts:*","Resource":"*"}]}', 'sts:AssumeRole')).toBe(true);
    expect(sessionPolicyAllows('{"Version":"1","Statement":[{"Effect":"Allow","Action":["oss:Get*"],"Resource":"*"}]}', 'sts:AssumeRole')).toBe(false);
    expect(sessionPolicyAllows('{"Statement":[{"Effect":"Allow","Action":"*"},{"Effect":"Deny","Action":"sts:AssumeRole"}]}', 'sts:AssumeRole')).toBe(false);
  });
});

describe('world mutations', () => {
  it('revokeTrust, deleteRole, addRole, setKeyActive, setMaxSessionDuration, addUser', () => {
    const w = new DemoWorld();
    w.revokeTrust('fc-admin');
    expect(w.evaluateTrust(w.getRole('fc-admin') ?? fail(), userCaller(w), undefined).allowed).toBe(false);
    expect(w.deleteRole('readonly')).toBe(true);
    expect(w.deleteRole('readonly')).toBe(false);
    expect(w.findRoleByArn('acs:ram::1234567890123456:role/readonly')).toBeUndefined();
    const r = w.addRole({ name: 'ops', trustedPrincipals: [`acs:ram::${ACCOUNT_B}:user/test_user1`], maxSessionDuration: 5400 });
    expect(w.findRoleByArn(r.arn)).toBe(r);
    expect(() => w.addRole({ name: 'ops' })).toThrow(/exists/);
    expect(() => w.addRole({ name: 'x', maxSessionDuration: 100 })).toThrow(/MaxSessionDuration/);
    expect(() => w.addRole({ name: 'bad name' })).toThrow(/invalid role name/);
    w.setKeyActive('RTSANDBOX0USER0001', false);
    expect(w.findKey('RTSANDBOX0USER0001')?.active).toBe(false);
    expect(() => w.setKeyActive('NOPE', true)).toThrow();
    w.setMaxSessionDuration('ops', 43_200);
    expect(w.getRole('ops')?.maxSessionDuration).toBe(43_200);
    const u = w.addUser('bob', 'RTSANDBOX0BOB00001', 'bob-secret');
    expect(u).toMatchObject({ name: 'bob', accountId: ACCOUNT_B, accessKeyId: 'RTSANDBOX0BOB00001' });
    expect(() => w.addUser('eve', 'STS.NOPE', 'x')).toThrow();
  });
});

function fail(): never {
  throw new Error('missing');
}

describe('decodeForm', () => {
  it('decodes + as space and %2B as plus, keeps empty values, skips empty pairs', () => {
    expect(decodeForm('a=1+2&b=%2B&c=&d&&e=%E4%B8%AD')).toEqual([
      ['a', '1 2'],
      ['b', '+'],
      ['c', ''],
      ['d', ''],
      ['e', '中'],
    ]);
    expect(decodeForm('')).toEqual([]);
  });
  it('rejects malformed percent-encoding with a 400 StsFault', () => {
    let caught: unknown;
    try {
      decodeForm('a=%E4%B8');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StsFault);
    expect((caught as StsFault).status).toBe(400);
  });
});

describe('NonceCache and Throttle', () => {
  it('a remembered nonce is rejected, per AccessKey', () => {
    const n = new NonceCache(900);
    n.check('AK1', 'n1');
    n.remember('AK1', 'n1');
    expect(() => n.check('AK1', 'n1')).toThrow(StsFault);
    expect(() => n.check('AK2', 'n1')).not.toThrow();
  });
  it('is bounded: the oldest entries go first when full', () => {
    const n = new NonceCache(900, 3);
    for (const x of ['a', 'b', 'c', 'd']) n.remember('AK', x);
    expect(n.size).toBe(3);
    expect(() => n.check('AK', 'a')).not.toThrow();
    expect(() => n.check('AK', 'd')).toThrow(StsFault);
  });
  it('allows perSecond calls in any sliding second', () => {
    const t = new Throttle(2);
    expect([t.allow(1000), t.allow(1100), t.allow(1200), t.allow(2050), t.allow(2101)]).toEqual([true, true, false, true, true]);
  });
});

describe('describeWorld', () => {
  const fakeHandle = (w: DemoWorld): SandboxHandle =>
    ({ url: 'http://127.0.0.1:4567', port: 4567, world: w, close: async () => {} }) as unknown as SandboxHandle;

  it('lists accounts, key IDs and role ARNs, and the secret only when it is the public demo default', () => {
    const demo = describeWorld(fakeHandle(new DemoWorld()));
    for (const s of ['http://127.0.0.1:4567', '1234567890123456  acme-prod', '9876543210987654  acme-dev', 'RTSANDBOX0USER0001', 'RTSANDBOX0NOPERM01', 'RTSANDBOX0DISABLED', 'acs:ram::1234567890123456:role/fc-admin', 'acs:ram::1234567890123456:role/long-session', 'with ExternalId rt-ext-0001', DEMO_USER_SECRET]) {
      expect(demo).toContain(s);
    }
    const secret = 'a-private-secret-0123456789';
    const priv = describeWorld(fakeHandle(new DemoWorld(secret)));
    expect(priv).toContain('RTSANDBOX0USER0001');
    expect(priv).not.toContain(secret);
    expect(priv).not.toContain(DEMO_USER_SECRET);
  });
});
