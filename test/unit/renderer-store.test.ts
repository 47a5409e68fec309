import { describe, expect, it } from 'vitest';
import type { AppSnapshot, ErrorView, Result, RoleTrayApi, RoleView, SessionView } from '../../preload/contract';
import { DEFAULT_SETTINGS } from '../../main/core/common/model';
import { deepEqual, mergeSnapshot, reuseList } from '../../renderer/merge';
import { applySnapshot, createRoleTrayStore, selectPending, selectRoleError, selectSession, withPending } from '../../renderer/store';

const ACCOUNT = '1234567890123456';

function role(name: string): RoleView {
  return {
    name,
    arn: `acs:ram::${ACCOUNT}:role/${name}`,
    source: 'me',
    profile: `roletray-${name}`,
    durationSeconds: 3600,
    accountId: ACCOUNT,
    accountLabel: 'acme-prod',
    chain: ['me'],
  };
}

function session(name: string, over: Partial<SessionView> = {}): SessionView {
  return {
    role: name,
    profile: `roletray-${name}`,
    state: 'active',
    expiresAt: 2_000_000,
    issuedAt: 1_000_000,
    assumedRoleArn: `acs:ram::${ACCOUNT}:assumed-role/${name}/s`,
    current: false,
    error: null,
    note: null,
    ...over,
  };
}

/** A fresh snapshot (new objects every call, like one that crossed IPC). */
function snap(over: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    identities: [{ name: 'me', accessKeyId: 'RTSANDBOX0USER0001', site: 'cn', region: 'cn-hangzhou', stsEndpoint: null, accountId: '9876543210987654', arn: 'acs:ram::9876543210987654:user/me', placeholder: false }],
    roles: [role('a'), role('b'), role('c')],
    sessions: [session('a'), session('b'), session('c', { state: 'stopped', expiresAt: null, issuedAt: null, assumedRoleArn: null })],
    settings: { ...DEFAULT_SETTINGS },
    currentProfile: null,
    foreignProfiles: ['default'],
    activity: [{ at: 1, kind: 'assume', role: 'a', message: 'assumed a' }],
    sandbox: { running: false, url: null },
    problems: [],
    platform: 'linux',
    ...over,
  };
}

const boom: ErrorView = { code: 'sts', message: 'the role no longer trusts your account', hint: 'ask the role owner', stsCode: 'NoPermission', requestId: 'REQ-1', retryable: false };

type Calls = { method: string; args: unknown[] }[];

/** A fake API: records calls, answers from `answers`, lets the test push events. */
function fakeApi(answers: Partial<Record<keyof RoleTrayApi, (...args: unknown[]) => unknown>> = {}) {
  const calls: Calls = [];
  const snapshotListeners = new Set<(s: AppSnapshot) => void>();
  const focusListeners = new Set<(r: string) => void>();
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });
  const method =
    (name: keyof RoleTrayApi, fallback: unknown) =>
    async (...args: unknown[]): Promise<never> => {
      calls.push({ method: name, args });
      const a = answers[name];
      return (a ? await a(...args) : fallback) as never;
    };
  const api: RoleTrayApi = {
    getSnapshot: method('getSnapshot', snap()),
    addIdentity: method('addIdentity', ok({ accountId: '9876543210987654', arn: 'acs:ram::9876543210987654:user/me' })),
    removeIdentity: method('removeIdentity', ok(null)),
    addRole: method('addRole', ok(null)),
    updateRole: method('updateRole', ok(null)),
    removeRole: method('removeRole', ok(null)),
    switchRole: method('switchRole', ok(session('a', { current: true }))),
    refreshRole: method('refreshRole', ok(session('a'))),
    stopRole: method('stopRole', ok(null)),
    openConsole: method('openConsole', ok(null)),
    copyEnv: method('copyEnv', ok(null)),
    updateSettings: method('updateSettings', ok({ ...DEFAULT_SETTINGS })),
    startSandbox: method('startSandbox', ok(null)),
    onSnapshot(cb) {
      snapshotListeners.add(cb);
      return () => snapshotListeners.delete(cb);
    },
    onFocusRole(cb) {
      focusListeners.add(cb);
      return () => focusListeners.delete(cb);
    },
  };
  return {
    api,
    calls,
    push: (s: AppSnapshot) => snapshotListeners.forEach((cb) => cb(s)),
    focus: (r: string) => focusListeners.forEach((cb) => cb(r)),
    listenerCount: () => snapshotListeners.size + focusListeners.size,
  };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

// ------------------------------------------------------------------ merge

describe('deepEqual', () => {
  it.each([
    [{ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: undefined }, {}, true],
    [[1, 2], [1, 2, 3], false],
    [[], {}, false],
    [null, {}, false],
    ['x', 'x', true],
  ])('%j vs %j -> %s', (a, b, eq) => {
    expect(deepEqual(a, b)).toBe(eq);
  });
});

describe('mergeSnapshot', () => {
  it('returns the previous snapshot when nothing changed', () => {
    const a = snap();
    expect(mergeSnapshot(a, snap())).toBe(a);
  });

  it('keeps the identity of every unchanged session and role', () => {
    const prev = snap();
    const next = snap();
    next.sessions[1] = session('b', { expiresAt: 3_000_000 });
    const merged = mergeSnapshot(prev, next);
    expect(merged).not.toBe(prev);
    expect(merged.sessions[0]).toBe(prev.sessions[0]);
    expect(merged.sessions[1]).not.toBe(prev.sessions[1]);
    expect(merged.sessions[1]?.expiresAt).toBe(3_000_000);
    expect(merged.sessions[2]).toBe(prev.sessions[2]);
    expect(merged.roles).toBe(prev.roles);
    expect(merged.identities).toBe(prev.identities);
    expect(merged.settings).toBe(prev.settings);
    expect(merged.activity).toBe(prev.activity);
  });

  it('matches items by key, not position, when the list changes', () => {
    const prev = snap();
    const next = snap({ roles: [role('c'), role('new'), role('a')] });
    const merged = mergeSnapshot(prev, next);
    expect(merged.roles).not.toBe(prev.roles);
    expect(merged.roles[0]).toBe(prev.roles[2]);
    expect(merged.roles[2]).toBe(prev.roles[0]);
    expect(merged.roles[1]?.name).toBe('new');
  });

  it('reuseList returns the previous list when every item is reused in order', () => {
    const prev = [{ k: 'x', v: 1 }];
    expect(reuseList(prev, [{ k: 'x', v: 1 }], (i) => i.k)).toBe(prev);
    expect(reuseList(prev, [], (i) => i.k)).toEqual([]);
  });
});

// ------------------------------------------------------------------ reducers

describe('reducers', () => {
  it('applySnapshot indexes sessions and keeps the index when no session changed', () => {
    const s1 = applySnapshot({ snapshot: null, sessionsByRole: {} }, snap());
    expect(Object.keys(s1.sessionsByRole)).toEqual(['a', 'b', 'c']);
    const s2 = applySnapshot(s1, snap({ currentProfile: 'roletray-a' }));
    expect(s2.snapshot).not.toBe(s1.snapshot);
    expect(s2.sessionsByRole).toBe(s1.sessionsByRole);
    const s3 = applySnapshot(s2, snap({ currentProfile: 'roletray-a' }));
    expect(s3).toBe(s2);
  });

  it('withPending sets and clears, returning the same map when there is nothing to clear', () => {
    const p0 = {};
    const p1 = withPending(p0, 'a', 'switch');
    expect(p1).toEqual({ a: 'switch' });
    const p2 = withPending(p1, 'a', null);
    expect(p2).toEqual({});
    expect(withPending(p2, 'a', null)).toBe(p2);
  });
});

// ------------------------------------------------------------------ store

describe('createRoleTrayStore', () => {
  it('connect() loads the snapshot, follows pushes and unsubscribes', async () => {
    const f = fakeApi();
    const store = createRoleTrayStore(f.api);
    const off = store.getState().connect();
    await flush();
    expect(store.getState().snapshot?.roles.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    f.push(snap({ currentProfile: 'roletray-b' }));
    expect(store.getState().snapshot?.currentProfile).toBe('roletray-b');
    off();
    expect(f.listenerCount()).toBe(0);
  });

  it('a pushed snapshot that arrives before getSnapshot answers wins', async () => {
    const d = deferred<AppSnapshot>();
    const f = fakeApi({ getSnapshot: () => d.promise });
    const store = createRoleTrayStore(f.api);
    store.getState().connect();
    f.push(snap({ currentProfile: 'pushed' }));
    d.resolve(snap({ currentProfile: 'stale' }));
    await flush();
    expect(store.getState().snapshot?.currentProfile).toBe('pushed');
  });

  it('a new snapshot changing one session changes only that session selector', async () => {
    const f = fakeApi();
    const store = createRoleTrayStore(f.api);
    store.getState().connect();
    await flush();
    const before = ['a', 'b', 'c'].map((n) => selectSession(n)(store.getState()));
    const next = snap();
    next.sessions[0] = session('a', { state: 'refreshing' });
    f.push(next);
    const after = ['a', 'b', 'c'].map((n) => selectSession(n)(store.getState()));
    expect(after[0]).not.toBe(before[0]);
    expect(after[0]?.state).toBe('refreshing');
    expect(after[1]).toBe(before[1]);
    expect(after[2]).toBe(before[2]);
  });

  it('keeps a pending flag per role while an action runs, and refuses a second action on it', async () => {
    const d = deferred<Result<SessionView>>();
    const f = fakeApi({ switchRole: () => d.promise });
    const store = createRoleTrayStore(f.api);
    const p = store.getState().switchRole('a');
    expect(selectPending('a')(store.getState())).toBe('switch');
    expect(selectPending('b')(store.getState())).toBeUndefined();
    expect(await store.getState().refreshRole('a')).toBe(false);
    expect(f.calls.filter((c) => c.method === 'refreshRole')).toHaveLength(0);
    d.resolve({ ok: true, value: session('a', { current: true }) });
    expect(await p).toBe(true);
    expect(store.getState().pending).toEqual({});
    expect(store.getState().notice?.text).toMatch(/a is now the current/);
    expect(f.calls.find((c) => c.method === 'switchRole')?.args).toEqual(['a']);
  });

  it('records the last error with its role, shows it for that role only, and clears it on success', async () => {
    let fail = true;
    const f = fakeApi({ refreshRole: () => (fail ? { ok: false, error: boom } : { ok: true, value: session('b') }) });
    const store = createRoleTrayStore(f.api);
    expect(await store.getState().refreshRole('b')).toBe(false);
    expect(store.getState().lastError).toEqual({ role: 'b', action: 'refresh', error: boom });
    expect(selectRoleError('b')(store.getState())).toBe(boom);
    expect(selectRoleError('a')(store.getState())).toBeNull();
    expect(store.getState().pending).toEqual({});
    fail = false;
    expect(await store.getState().refreshRole('b')).toBe(true);
    expect(store.getState().lastError).toBeNull();
  });

  it('turns a rejected call (bridge failure) into an error instead of throwing', async () => {
    const f = fakeApi({
      stopRole: () => {
        throw new Error('channel closed');
      },
    });
    const store = createRoleTrayStore(f.api);
    expect(await store.getState().stopRole('a')).toBe(false);
    expect(store.getState().lastError?.error.message).toBe('channel closed');
    expect(store.getState().pending).toEqual({});
  });

  it('each one-click action calls its API method', async () => {
    const f = fakeApi();
    const store = createRoleTrayStore(f.api);
    const s = store.getState();
    await s.switchRole('a');
    await s.refreshRole('a');
    await s.stopRole('a');
    await s.openConsole('a');
    await s.copyEnv('a');
    expect(f.calls.map((c) => c.method)).toEqual(['switchRole', 'refreshRole', 'stopRole', 'openConsole', 'copyEnv']);
    expect(store.getState().notice?.text).toMatch(/copied/);
  });

  it('saveRole adds or updates depending on editing', async () => {
    const f = fakeApi();
    const store = createRoleTrayStore(f.api);
    const input = { name: 'x', arn: `acs:ram::${ACCOUNT}:role/x`, source: 'me' };
    await store.getState().saveRole(input, null);
    await store.getState().saveRole(input, 'old');
    expect(f.calls.map((c) => [c.method, c.args])).toEqual([
      ['addRole', [input]],
      ['updateRole', ['old', input]],
    ]);
  });

  it('saveIdentity returns main’s verification result, and errors without throwing', async () => {
    let answer: Result<{ accountId: string | null; arn: string | null }> = { ok: true, value: { accountId: '9876543210987654', arn: 'acs:ram::9876543210987654:user/me' } };
    const f = fakeApi({ addIdentity: () => answer });
    const store = createRoleTrayStore(f.api);
    const input = { name: 'me', accessKeyId: 'RTSANDBOX0USER0001', secret: 's3cret-value', site: 'cn' as const, region: 'cn-hangzhou' };
    const ok = await store.getState().saveIdentity(input);
    expect(ok).toEqual(answer);
    answer = { ok: false, error: { ...boom, code: 'auth', message: 'the AccessKey secret is wrong' } };
    const bad = await store.getState().saveIdentity(input);
    expect(bad.ok).toBe(false);
    expect(store.getState().lastError?.action).toBe('identity');
  });

  it('focus-role events select the role and show the roles view', () => {
    const f = fakeApi();
    const store = createRoleTrayStore(f.api, { view: { name: 'settings' } });
    store.getState().connect();
    f.focus('b');
    expect(store.getState().view).toEqual({ name: 'roles' });
    expect(store.getState().selectedRole).toBe('b');
    expect(store.getState().focusRequest?.role).toBe('b');
  });

  it('select() does not notify when the selection does not change', () => {
    const store = createRoleTrayStore(fakeApi().api);
    let n = 0;
    store.subscribe(() => n++);
    store.getState().select('a');
    store.getState().select('a');
    expect(n).toBe(1);
  });
});

describe('updateSettings', () => {
  it('applies the patch at once and keeps main’s answer', async () => {
    const d = deferred<Result<AppSnapshot['settings']>>();
    const f = fakeApi({ updateSettings: () => d.promise });
    const store = createRoleTrayStore(f.api);
    store.getState().receiveSnapshot(snap());
    const p = store.getState().updateSettings({ theme: 'dark' });
    expect(store.getState().snapshot?.settings.theme).toBe('dark');
    d.resolve({ ok: true, value: { ...DEFAULT_SETTINGS, theme: 'dark' } });
    expect((await p).ok).toBe(true);
    expect(store.getState().snapshot?.settings.theme).toBe('dark');
  });

  it('reverts to main’s snapshot when main refuses', async () => {
    const f = fakeApi({ updateSettings: () => ({ ok: false, error: { ...boom, code: 'invalid-input', message: 'refresh lead time must be 60-3600 seconds' } }) });
    const store = createRoleTrayStore(f.api);
    store.getState().receiveSnapshot(snap());
    const res = await store.getState().updateSettings({ refreshLeadSeconds: 5 });
    expect(res.ok).toBe(false);
    expect(store.getState().snapshot?.settings.refreshLeadSeconds).toBe(DEFAULT_SETTINGS.refreshLeadSeconds);
    expect(store.getState().lastError?.action).toBe('settings');
  });
});
