import { describe, expect, it } from 'vitest';
import type { AppSnapshot, RoleView } from '../../preload/contract';
import { DEFAULT_SETTINGS } from '../../main/core/common/model';
import type { IdentityFormValues, RoleFormValues } from '../../renderer/forms';
import {
  CHAINED_DURATION_NOTE,
  effectiveProfile,
  emptyRoleForm,
  hasErrors,
  identityInput,
  roleInput,
  roleNameFromArn,
  sourceOptions,
  validateIdentityForm,
  validateRoleForm,
  wouldCycle,
} from '../../renderer/forms';

const ACCOUNT = '1234567890123456';
const arn = (n: string) => `acs:ram::${ACCOUNT}:role/${n}`;

function role(name: string, source: string, profile = `roletray-${name}`): RoleView {
  return { name, arn: arn(name), source, profile, durationSeconds: 3600, accountId: ACCOUNT, accountLabel: ACCOUNT, chain: [source] };
}

function snap(): AppSnapshot {
  return {
    identities: [{ name: 'me', accessKeyId: 'RTSANDBOX0USER0001', site: 'cn', region: 'cn-hangzhou', stsEndpoint: null, accountId: null, arn: null, placeholder: false }],
    roles: [role('fc-admin', 'me'), role('chain-target', 'fc-admin'), role('deep', 'chain-target', 'custom-profile')],
    sessions: [],
    settings: { ...DEFAULT_SETTINGS },
    currentProfile: null,
    foreignProfiles: ['default', 'roletray-clash'],
    activity: [],
    sandbox: { running: false, url: null },
    problems: [],
    platform: 'linux',
  };
}

function form(over: Partial<RoleFormValues> = {}): RoleFormValues {
  return { ...emptyRoleForm(snap()), ...over };
}

describe('role ARN validation', () => {
  it.each([
    [arn('fc-admin'), null],
    ['acs:ram::123456789012:role/a.b_c-d', null],
    ['acs:ram::12345678901:role/short-account', /not a RAM role ARN/],
    ['acs:ram::12345678901234567:role/long-account', /not a RAM role ARN/],
    ['acs:ram::1234567890123456:user/not-a-role', /not a RAM role ARN/],
    ['arn:aws:iam::123456789012:role/x', /not a RAM role ARN/],
    ['', /paste the role ARN/],
  ])('%s', (value, expected) => {
    const err = validateRoleForm(form({ arn: value, name: 'x' }), snap(), null).errors.arn;
    if (expected === null) expect(err).toBeUndefined();
    else expect(err).toMatch(expected);
  });

  it('derives the display name and profile from the ARN', () => {
    expect(roleNameFromArn(`  ${arn('ops')} `)).toBe('ops');
    expect(roleNameFromArn('junk')).toBe('');
    const v = form({ arn: arn('ops') });
    expect(effectiveProfile(v)).toBe('roletray-ops');
    expect(roleInput(v)).toMatchObject({ name: 'ops', arn: arn('ops'), source: 'me', profile: 'roletray-ops', durationSeconds: 3600 });
    expect(hasErrors(validateRoleForm(v, snap(), null).errors)).toBe(false);
  });
});

describe('session policy validation', () => {
  it.each([
    ['', undefined],
    ['{"Version":"1","Statement":[{"Effect":"Allow","Action":"fc:Get*","Resource":"*"}]}', undefined],
    ['{"Statement": [', /not valid JSON/],
    ['[]', /JSON object/],
    ['{"Statement":[]}', /non-empty "Statement"/],
    ['{"Statement":[{"Effect":"Maybe","Action":"*"}]}', /Effect/],
    ['{"Statement":[{"Effect":"Allow"}]}', /Action/],
    [`{"Statement":[{"Effect":"Allow","Action":"${'x'.repeat(2100)}"}]}`, /1-2048 characters/],
  ])('%s', (policy, expected) => {
    const err = validateRoleForm(form({ arn: arn('p'), policy }), snap(), null).errors.policy;
    if (expected === undefined) expect(err).toBeUndefined();
    else expect(err).toMatch(expected);
  });
});

describe('role form rules', () => {
  it.each([
    ['900', undefined],
    ['43200', undefined],
    ['', undefined],
    ['899', /outside 900..43200/],
    ['43201', /outside/],
    ['1.5', /whole number/],
    ['abc', /whole number/],
  ])('duration %s', (duration, expected) => {
    const err = validateRoleForm(form({ arn: arn('d'), duration }), snap(), null).errors.duration;
    if (expected === undefined) expect(err).toBeUndefined();
    else expect(err).toMatch(expected);
  });

  it('shows the chained-duration note only when the source is a role', () => {
    const direct = validateRoleForm(form({ arn: arn('x') }), snap(), null);
    expect(direct.chained).toBe(false);
    expect(direct.notes.duration).toBeUndefined();
    const chained = validateRoleForm(form({ arn: arn('x'), source: 'fc-admin' }), snap(), null);
    expect(chained.chained).toBe(true);
    expect(chained.notes.duration).toBe(CHAINED_DURATION_NOTE);
    expect(CHAINED_DURATION_NOTE).toContain('retries once at 3600 s and remembers it');
  });

  it('refuses a profile that clashes with an unmanaged CLI profile or another role', () => {
    expect(validateRoleForm(form({ arn: arn('clash') }), snap(), null).errors.profile).toMatch(/does not manage/);
    expect(validateRoleForm(form({ arn: arn('x'), profile: 'default' }), snap(), null).errors.profile).toMatch(/does not manage/);
    expect(validateRoleForm(form({ arn: arn('x'), profile: 'custom-profile' }), snap(), null).errors.profile).toMatch(/used by role deep/);
    // editing a role keeps its own profile
    expect(validateRoleForm(form({ arn: arn('deep'), name: 'deep', source: 'chain-target', profile: 'custom-profile' }), snap(), 'deep').errors.profile).toBeUndefined();
  });

  it('refuses duplicate names and names taken by identities', () => {
    expect(validateRoleForm(form({ arn: arn('fc-admin') }), snap(), null).errors.name).toMatch(/already exists/);
    expect(validateRoleForm(form({ arn: arn('fc-admin') }), snap(), 'fc-admin').errors.name).toBeUndefined();
    expect(validateRoleForm(form({ arn: arn('x'), name: 'me' }), snap(), null).errors.name).toMatch(/identity name/);
  });

  it('refuses source cycles', () => {
    const roles = snap().roles;
    expect(wouldCycle(roles, 'fc-admin', 'deep', 'fc-admin')).toBe(true); // deep -> chain-target -> fc-admin
    expect(wouldCycle(roles, 'fc-admin', 'me', 'fc-admin')).toBe(false);
    expect(wouldCycle(roles, 'new', 'deep', null)).toBe(false);
    expect(wouldCycle(roles, 'x', 'x', null)).toBe(true);
    const err = validateRoleForm(form({ arn: arn('fc-admin'), name: 'fc-admin', source: 'deep', profile: 'roletray-fc-admin' }), snap(), 'fc-admin').errors.source;
    expect(err).toMatch(/cycle/);
  });

  it('lists sources: identities, and roles that would not make a cycle', () => {
    const opts = sourceOptions(snap(), 'fc-admin', 'fc-admin');
    expect(opts).toEqual([
      { name: 'me', kind: 'identity', disabled: null },
      { name: 'chain-target', kind: 'role', disabled: 'would make a cycle' },
      { name: 'deep', kind: 'role', disabled: 'would make a cycle' },
    ]);
    expect(sourceOptions(snap(), '', null).every((o) => o.disabled === null)).toBe(true);
  });

  it('validates the optional fields', () => {
    const v = validateRoleForm(form({ arn: arn('x'), region: 'Hangzhou', sessionName: 'a b', externalId: 'x' }), snap(), null).errors;
    expect(v.region).toMatch(/not a region ID/);
    expect(v.sessionName).toMatch(/session name/);
    expect(v.externalId).toMatch(/ExternalId/);
  });

  it('roleInput trims and omits empty optional fields', () => {
    const input = roleInput(form({ arn: ` ${arn('x')} `, name: ' X1 ', region: ' cn-shanghai ', duration: '7200', externalId: ' rt-ext-0001 ' }));
    expect(input).toEqual({ name: 'X1', arn: arn('x'), source: 'me', profile: 'roletray-X1', region: 'cn-shanghai', durationSeconds: 7200, externalId: 'rt-ext-0001' });
  });
});

describe('identity form', () => {
  const good: IdentityFormValues = { name: 'test_user1', accessKeyId: 'RTSANDBOX0USER0001', secret: 'abcdefgh12345678', site: 'cn', region: 'cn-hangzhou', stsEndpoint: '' };

  it('accepts a good form and builds the input', () => {
    expect(validateIdentityForm(good, snap(), null)).toEqual({});
    expect(identityInput(good, null)).toEqual({ name: 'test_user1', accessKeyId: 'RTSANDBOX0USER0001', secret: 'abcdefgh12345678', site: 'cn', region: 'cn-hangzhou' });
    expect(identityInput({ ...good, stsEndpoint: ' http://127.0.0.1:9 ' }, 'test_user1')).toMatchObject({ stsEndpoint: 'http://127.0.0.1:9', replace: true });
  });

  it.each([
    [{ name: '' }, 'name', /give the identity a name/],
    [{ name: 'me' }, 'name', /already exists/],
    [{ name: 'fc-admin' }, 'name', /role name/],
    [{ accessKeyId: 'short' }, 'accessKeyId', /8-128/],
    [{ secret: '' }, 'secret', /paste the AccessKey secret/],
    [{ secret: 'has space inside' }, 'secret', /spaces/],
    [{ region: 'nowhere' }, 'region', /not a region ID/],
    [{ stsEndpoint: 'http://sts.example.com' }, 'stsEndpoint', /must use https/],
  ] as const)('%j', (over, field, expected) => {
    expect(validateIdentityForm({ ...good, ...over }, snap(), null)[field]).toMatch(expected);
  });

  it('editing an identity keeps its own name', () => {
    expect(validateIdentityForm({ ...good, name: 'me' }, snap(), 'me').name).toBeUndefined();
  });
});
