/**
 * The pure tray menu builder: grouping, labels, check marks, state marks, the sandbox item, the
 * icon state and the minute-boundary timer. No Electron anywhere.
 */
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../main/core/common/model';
import type { TrayItem, TrayState } from '../../main/core/common/tray-model';
import { buildTrayModel, collectActions, formatMinutesLeft, groupRolesByAccount, nextTrayUpdate, roleLabel, trayIconState } from '../../main/core/common/tray-model';

const NOW = Date.UTC(2026, 10, 23, 9, 0, 0);
const MIN = 60_000;
const A = '1234567890123456';
const B = '9876543210987654';

function session(role: string, over: Partial<SessionView> = {}): SessionView {
  return {
    role,
    profile: role,
    state: 'active',
    expiresAt: NOW + 42 * MIN + 30_000,
    issuedAt: NOW - 17 * MIN,
    assumedRoleArn: `acs:ram::${A}:assumed-role/${role}/me`,
    current: false,
    error: null,
    note: null,
    ...over,
  };
}

function role(name: string, accountId = A, alias?: string): TrayState['roles'][number] {
  return { name, profile: name, accountId, accountLabel: alias ?? accountId };
}

function state(over: Partial<TrayState> = {}): TrayState {
  return {
    identities: [{ name: 'me' }],
    roles: [],
    sessions: [],
    settings: { launchAtLogin: false },
    currentProfile: null,
    sandbox: { running: false, url: null },
    problems: [],
    ...over,
  };
}

const byId = (items: ReadonlyArray<TrayItem>, id: string): TrayItem | undefined => {
  for (const it of items) {
    if (it.id === id) return it;
    const inner = it.submenu ? byId(it.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
};
const labels = (items: ReadonlyArray<TrayItem>): string[] => items.filter((i) => i.type !== 'separator').map((i) => i.label ?? '');

describe('formatMinutesLeft', () => {
  it.each([
    [42 * MIN + 30_000, '42m'],
    [42 * MIN + 1, '42m'],
    [42 * MIN, '41m'],
    [MIN + 1, '1m'],
    [MIN, '<1m'],
    [1, '<1m'],
    [0, 'expired'],
    [-5 * MIN, 'expired'],
    [60 * MIN + 1, '1h 00m'],
    [65 * MIN + 10_000, '1h 05m'],
    [12 * 60 * MIN, '11h 59m'],
    [Number.NaN, ''],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatMinutesLeft(ms)).toBe(text);
  });
});

describe('roleLabel', () => {
  it('shows the remaining time of an active role', () => {
    expect(roleLabel('fc-admin', session('fc-admin'), false, NOW)).toBe('fc-admin — 42m');
  });
  it('marks the current role with a check', () => {
    expect(roleLabel('fc-admin', session('fc-admin'), true, NOW)).toBe('✓ fc-admin — 42m');
  });
  it.each([
    ['refreshing', '↻ fc-admin — 42m'],
    ['expiring', '⚠ fc-admin — 42m'],
    ['expired', '⚠ fc-admin — expired'],
    ['error', '✕ fc-admin — error'],
    ['stopped', 'fc-admin'],
  ] as const)('state %s', (st, text) => {
    expect(roleLabel('fc-admin', session('fc-admin', { state: st }), false, NOW)).toBe(text);
  });
  it('a role without a session shows its name only; an error without credentials still says error', () => {
    expect(roleLabel('fc-admin', undefined, false, NOW)).toBe('fc-admin');
    expect(roleLabel('fc-admin', session('fc-admin', { state: 'error', expiresAt: null }), true, NOW)).toBe('✓ ✕ fc-admin — error');
  });
  it('a session past its expiry reads expired even before the state catches up', () => {
    expect(roleLabel('x', session('x', { expiresAt: NOW - 1 }), false, NOW)).toBe('⚠ x — expired');
  });
});

describe('grouping by account', () => {
  it('groups by alias (or account ID), sorted, roles sorted inside each group', () => {
    const groups = groupRolesByAccount([role('zeta', A, 'acme-prod'), role('alpha', B), role('fc-admin', A, 'acme-prod'), role('beta', B)]);
    expect(groups.map((g) => [g.label, g.roles.map((r) => r.name)])).toEqual([
      ['9876543210987654', ['alpha', 'beta']],
      ['acme-prod', ['fc-admin', 'zeta']],
    ]);
  });

  it('renders one header per account and a separator between groups', () => {
    const m = buildTrayModel(state({ roles: [role('fc-admin', A, 'acme-prod'), role('dev', B), role('readonly', A, 'acme-prod')] }), NOW);
    const headers = m.items.filter((i) => i.id.startsWith('account:')).map((i) => i.label);
    expect(headers).toEqual([`Account ${B}`, `acme-prod (${A})`]);
    expect(m.items.filter((i) => i.id.startsWith('account:')).every((i) => i.enabled === false)).toBe(true);
    const order = m.items.filter((i) => i.id.startsWith('role:')).map((i) => i.id);
    expect(order).toEqual(['role:dev', 'role:fc-admin', 'role:readonly']);
    const iDev = m.items.findIndex((i) => i.id === 'role:dev');
    expect(m.items[iDev + 1]?.type).toBe('separator');
  });
});

describe('buildTrayModel', () => {
  const roles = [role('fc-admin', A, 'acme-prod'), role('readonly', A, 'acme-prod')];

  it('checks the role whose profile is current in the CLI config, and only that one', () => {
    const m = buildTrayModel(state({ roles, sessions: [session('fc-admin'), session('readonly')], currentProfile: 'readonly' }), NOW);
    expect(byId(m.items, 'role:readonly')).toMatchObject({ type: 'submenu', checked: true, label: '✓ readonly — 42m' });
    expect(byId(m.items, 'role:fc-admin')).toMatchObject({ checked: false, label: 'fc-admin — 42m' });
    expect(m.items[0]?.label).toBe('Current: readonly, 42m left');
  });

  it('a current profile RoleTray does not manage checks nothing and is named as such', () => {
    const m = buildTrayModel(state({ roles, currentProfile: 'default' }), NOW);
    expect(collectChecked(m.items)).toEqual([]);
    expect(m.items[0]?.label).toBe('Current: CLI profile default (not managed by RoleTray)');
    expect(m.title).toBe('');
  });

  it('a current profile that does not exist (no config file yet) is no active role', () => {
    const m = buildTrayModel(state({ roles, currentProfile: 'default', foreignProfiles: [] }), NOW);
    expect(m.items[0]?.label).toBe('Current: no active role');
    const other = buildTrayModel(state({ roles, currentProfile: 'default', foreignProfiles: ['default', 'ops'] }), NOW);
    expect(other.items[0]?.label).toBe('Current: CLI profile default (not managed by RoleTray)');
  });

  it('gives every role the same submenu of actions', () => {
    const m = buildTrayModel(state({ roles, sessions: [session('fc-admin')] }), NOW);
    const sub = byId(m.items, 'role:fc-admin')?.submenu ?? [];
    expect(labels(sub)).toEqual(['Profile fc-admin', 'Switch to', 'Open console as role', 'Copy env exports', 'Refresh now', 'Stop']);
    expect(collectActions(sub).map((a) => a.action)).toEqual([
      { kind: 'switch', role: 'fc-admin' },
      { kind: 'open-console', role: 'fc-admin' },
      { kind: 'copy-env', role: 'fc-admin' },
      { kind: 'refresh', role: 'fc-admin' },
      { kind: 'stop', role: 'fc-admin' },
    ]);
  });

  it('without a session: switch/console/env stay enabled (they assume), refresh and stop do not', () => {
    const m = buildTrayModel(state({ roles }), NOW);
    const enabled = Object.fromEntries(collectActions(byId(m.items, 'role:readonly')?.submenu ?? []).map((a) => [a.action.kind, a.enabled]));
    expect(enabled).toEqual({ switch: true, 'open-console': true, 'copy-env': true, refresh: false, stop: false });
  });

  it('shows the error of a failed session inside its submenu and lets the user stop it', () => {
    const err = { code: 'sts', message: 'role revoked or trust removed (EntityNotExist.Role)', hint: 'ask the account owner', retryable: false };
    const m = buildTrayModel(state({ roles, sessions: [session('fc-admin', { state: 'error', error: err })] }), NOW);
    const sub = byId(m.items, 'role:fc-admin')?.submenu ?? [];
    expect(byId(sub, 'role:fc-admin:error')).toMatchObject({ label: err.message, enabled: false });
    expect(byId(sub, 'role:fc-admin:stop')?.enabled).toBe(true);
    expect(m.icon).toBe('error');
  });

  it('offers "Try the sandbox" only while no identity exists', () => {
    const none = buildTrayModel(state({ identities: [] }), NOW);
    expect(byId(none.items, 'sandbox')).toMatchObject({ label: 'Try the sandbox', action: { kind: 'start-sandbox' } });
    expect(byId(none.items, 'no-roles')?.label).toBe('No identities yet');
    const running = buildTrayModel(state({ identities: [], sandbox: { running: true, url: 'http://127.0.0.1:1' } }), NOW);
    expect(byId(running.items, 'sandbox')?.label).toBe('Try the sandbox (running)');
    const some = buildTrayModel(state(), NOW);
    expect(byId(some.items, 'sandbox')).toBeUndefined();
    expect(byId(some.items, 'no-roles')?.label).toBe('No roles yet');
  });

  it('ends with Open RoleTray…, Launch at login (a checkbox that toggles) and Quit', () => {
    const off = buildTrayModel(state({ roles }), NOW);
    expect(labels(off.items).slice(-3)).toEqual(['Open RoleTray…', 'Launch at login', 'Quit RoleTray']);
    expect(byId(off.items, 'launch-at-login')).toMatchObject({ type: 'checkbox', checked: false, action: { kind: 'set-launch-at-login', enabled: true } });
    const on = buildTrayModel(state({ roles, settings: { launchAtLogin: true } }), NOW);
    expect(byId(on.items, 'launch-at-login')).toMatchObject({ checked: true, action: { kind: 'set-launch-at-login', enabled: false } });
    expect(byId(on.items, 'quit')?.action).toEqual({ kind: 'quit' });
    expect(byId(on.items, 'open-window')?.action).toEqual({ kind: 'open-window' });
  });

  it('lists problems (clipped) under the current line', () => {
    const long = `the aliyun CLI config is not valid JSON at line 3 column 7 ${'x'.repeat(200)}`;
    const m = buildTrayModel(state({ problems: [{ code: 'config-file', message: long, hint: '', retryable: false }] }), NOW);
    const p = byId(m.items, 'problem:0');
    expect(p?.enabled).toBe(false);
    expect(p?.label?.startsWith('⚠ the aliyun CLI config is not valid JSON')).toBe(true);
    expect((p?.label ?? '').length).toBeLessThanOrEqual(82);
    expect(m.icon).toBe('error');
  });

  it('item ids are unique across the whole menu', () => {
    const many = [role('a', A), role('b', A, 'x'), role('c', B), role('d', B, 'x')];
    const m = buildTrayModel(state({ roles: many, sessions: many.map((r) => session(r.name)) }), NOW);
    const ids: string[] = [];
    const walk = (items: TrayItem[]): void => items.forEach((i) => (ids.push(i.id), i.submenu && walk(i.submenu)));
    walk(m.items);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

function collectChecked(items: ReadonlyArray<TrayItem>): string[] {
  return items.flatMap((i) => [...(i.checked ? [i.id] : []), ...collectChecked(i.submenu ?? [])]);
}

describe('tooltip, title and icon', () => {
  const roles = [role('fc-admin', A, 'acme-prod'), role('readonly', A)];

  it('tooltip names the current identity and its time left; title is short', () => {
    const m = buildTrayModel(state({ roles, sessions: [session('fc-admin'), session('readonly')], currentProfile: 'fc-admin' }), NOW);
    expect(m.tooltip).toBe('RoleTray — fc-admin, 42m left · 2 active sessions');
    expect(m.title).toBe('fc-admin 42m');
    expect(m.icon).toBe('normal');
  });

  it('without a current role', () => {
    const m = buildTrayModel(state({ roles }), NOW);
    expect(m.tooltip).toBe('RoleTray — no active role');
    expect(m.title).toBe('');
  });

  it('tooltip never exceeds the Windows limit', () => {
    const problems = Array.from({ length: 3 }, (_, i) => ({ code: 'io', message: `p${i}`, hint: '', retryable: false }));
    const longRole = role('r'.repeat(64));
    const m = buildTrayModel(state({ roles: [longRole], sessions: [session(longRole.name)], currentProfile: longRole.profile, problems }), NOW);
    expect(m.tooltip.length).toBeLessThanOrEqual(127);
  });

  it.each([
    [[session('a')], 'normal'],
    [[session('a', { state: 'refreshing' })], 'normal'],
    [[session('a', { state: 'expiring' })], 'expiring'],
    [[session('a', { state: 'expired', expiresAt: NOW - MIN })], 'expiring'],
    [[session('a', { expiresAt: NOW })], 'expiring'],
    [[session('a'), session('b', { state: 'error' })], 'error'],
    [[session('a', { state: 'stopped', expiresAt: null })], 'normal'],
  ] as const)('icon state %#', (sessions, icon) => {
    expect(trayIconState({ sessions: [...sessions], problems: [] }, NOW)).toBe(icon);
  });
});

describe('nextTrayUpdate (one timer, minute resolution, none while idle)', () => {
  it('is null with no live session', () => {
    expect(nextTrayUpdate({ sessions: [] }, NOW)).toBeNull();
    expect(nextTrayUpdate({ sessions: [session('a', { state: 'stopped', expiresAt: null })] }, NOW)).toBeNull();
    expect(nextTrayUpdate({ sessions: [session('a', { expiresAt: NOW - 1 })] }, NOW)).toBeNull();
    expect(nextTrayUpdate({ sessions: [session('a', { state: 'error' })] }, NOW)).toBeNull();
  });

  it('is the next minute boundary of the remaining time, where the label changes', () => {
    const s = session('a', { expiresAt: NOW + 42 * MIN + 30_000 });
    const at = nextTrayUpdate({ sessions: [s] }, NOW);
    expect(at).toBe(NOW + 30_000);
    const model = (t: number): string => roleLabel('a', s, false, t);
    expect(model(NOW)).toBe('a — 42m');
    expect(model((at ?? 0) - 1)).toBe('a — 42m');
    expect(model(at ?? 0)).toBe('a — 41m');
    expect(nextTrayUpdate({ sessions: [s] }, at ?? 0)).toBe((at ?? 0) + MIN);
  });

  it('takes the earliest boundary over all sessions, and ends at expiry', () => {
    const a = session('a', { expiresAt: NOW + 10 * MIN + 50_000 });
    const b = session('b', { expiresAt: NOW + 5 * MIN + 20_000 });
    expect(nextTrayUpdate({ sessions: [a, b] }, NOW)).toBe(NOW + 20_000);
    const last = session('c', { expiresAt: NOW + 40_000 });
    expect(nextTrayUpdate({ sessions: [last] }, NOW)).toBe(NOW + 40_000);
    expect(roleLabel('c', last, false, NOW + 40_000)).toBe('⚠ c — expired');
  });

  it('over an hour of a 1-hour session the tray wakes 60 times, not 3600', () => {
    const s = session('a', { expiresAt: NOW + 60 * MIN });
    let t = NOW;
    let wakes = 0;
    for (let at = nextTrayUpdate({ sessions: [s] }, t); at !== null; at = nextTrayUpdate({ sessions: [s] }, t)) {
      expect(at).toBeGreaterThan(t);
      t = at;
      wakes++;
    }
    expect(wakes).toBe(60);
  });
});
