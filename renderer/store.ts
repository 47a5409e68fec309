/**
 * The window's one store (zustand, vanilla): the latest snapshot from main, per-role pending
 * flags, the last failed action, the current view, and the actions that call the preload API.
 *
 * Main owns the truth. Every change there arrives as a complete AppSnapshot (api.onSnapshot); the
 * store merges it into the previous one so unchanged sessions, roles and lists keep their object
 * identity and their rows do not re-render. Actions only call the API and track pending/errors.
 *
 * No DOM, no React: unit-tested in Node with a fake RoleTrayApi.
 */
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type {
  AppSnapshot,
  ErrorView,
  IdentityFormInput,
  Result,
  RoleFormInput,
  RoleTrayApi,
  SessionView,
  Settings,
} from '../preload/contract';
import { indexSessions, mergeSnapshot } from './merge';

/** Values to pre-fill a new identity form with (the sandbox's demo user). */
export interface IdentityPreset {
  name?: string;
  accessKeyId?: string;
  stsEndpoint?: string;
  region?: string;
}

export type View =
  | { name: 'roles' }
  | { name: 'identities' }
  | { name: 'identity-form'; editing: string | null; preset?: IdentityPreset | undefined }
  | { name: 'role-form'; editing: string | null }
  | { name: 'activity' }
  | { name: 'settings' };

/** One-click actions on a role; at most one runs per role at a time. */
export type RoleAction = 'switch' | 'refresh' | 'stop' | 'console' | 'copy' | 'remove';

export interface ActionError {
  /** Role the action was about, or null for identity/settings/sandbox actions. */
  role: string | null;
  action: RoleAction | 'identity' | 'role' | 'settings' | 'sandbox' | 'load';
  error: ErrorView;
}

export interface Notice {
  seq: number;
  text: string;
}

export interface RoleTrayState {
  snapshot: AppSnapshot | null;
  /** Sessions by role name; objects are shared with snapshot.sessions. */
  sessionsByRole: Readonly<Record<string, SessionView>>;
  /** Role name -> the action running on it. */
  pending: Readonly<Record<string, RoleAction>>;
  lastError: ActionError | null;
  /** A short confirmation for the status line ("Env exports copied"). */
  notice: Notice | null;
  view: View;
  /** Role selected in the roles list (keyboard navigation). */
  selectedRole: string | null;
  /** Set when main asks to show a role (tray click); seq makes repeated requests distinct. */
  focusRequest: { role: string; seq: number } | null;

  /** Subscribe to main's events and load the first snapshot; returns the unsubscribe function. */
  connect(): () => void;
  receiveSnapshot(snapshot: AppSnapshot): void;
  navigate(view: View): void;
  select(role: string | null): void;
  switchRole(role: string): Promise<boolean>;
  refreshRole(role: string): Promise<boolean>;
  stopRole(role: string): Promise<boolean>;
  openConsole(role: string): Promise<boolean>;
  copyEnv(role: string): Promise<boolean>;
  /** Add an identity (editing = null) or replace one; main verifies it with GetCallerIdentity. */
  saveIdentity(input: IdentityFormInput): Promise<Result<{ accountId: string | null; arn: string | null }>>;
  removeIdentity(name: string): Promise<Result<null>>;
  /** Add a role (editing = null) or update the role named `editing`. */
  saveRole(input: RoleFormInput, editing: string | null): Promise<Result<null>>;
  removeRole(name: string): Promise<Result<null>>;
  updateSettings(patch: Partial<Settings>): Promise<Result<Settings>>;
  startSandbox(): Promise<Result<null>>;
  dismissError(): void;
  dismissNotice(): void;
}

export type RoleTrayStore = StoreApi<RoleTrayState>;

// ------------------------------------------------------------------ pure reducers

/** State after a new snapshot: merged with the previous one, sessions re-indexed. */
export function applySnapshot(
  state: Pick<RoleTrayState, 'snapshot' | 'sessionsByRole'>,
  next: AppSnapshot,
): Pick<RoleTrayState, 'snapshot' | 'sessionsByRole'> {
  const snapshot = mergeSnapshot(state.snapshot, next);
  if (snapshot === state.snapshot) return state;
  return { snapshot, sessionsByRole: indexSessions(state.sessionsByRole, snapshot.sessions) };
}

/** Pending map with `role` set to `action` (or cleared with null). */
export function withPending(
  pending: Readonly<Record<string, RoleAction>>,
  role: string,
  action: RoleAction | null,
): Readonly<Record<string, RoleAction>> {
  if (action === null) {
    if (!(role in pending)) return pending;
    const next = { ...pending };
    delete next[role];
    return next;
  }
  return { ...pending, [role]: action };
}

const NOTICES: Partial<Record<RoleAction, (role: string) => string>> = {
  switch: (r) => `${r} is now the current aliyun CLI profile`,
  refresh: (r) => `${r} refreshed`,
  stop: (r) => `${r} stopped; its profile was removed from the aliyun CLI config`,
  console: (r) => `Opened the console as ${r} in your browser`,
  copy: (r) => `Env exports for ${r} copied to the clipboard`,
  remove: (r) => `Role ${r} removed`,
};

function asErrorView(e: unknown): ErrorView {
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: message || 'the request to RoleTray failed', hint: 'try again; if it keeps failing, restart RoleTray', retryable: true };
}

/** Create the store over the preload API. */
export function createRoleTrayStore(api: RoleTrayApi, initial?: Partial<Pick<RoleTrayState, 'view'>>): RoleTrayStore {
  let noticeSeq = 0;
  let focusSeq = 0;

  return createStore<RoleTrayState>()((set, get) => {
    const notify = (text: string): void => set({ notice: { seq: ++noticeSeq, text } });

    /** Run an API call that answers a Result; errors (thrown or returned) become lastError. */
    async function call<T>(
      action: ActionError['action'],
      role: string | null,
      fn: () => Promise<Result<T>>,
    ): Promise<Result<T>> {
      let res: Result<T>;
      try {
        res = await fn();
      } catch (e) {
        res = { ok: false, error: asErrorView(e) };
      }
      if (!res.ok) set({ lastError: { role, action, error: res.error } });
      else {
        const last = get().lastError;
        if (last && (role !== null ? last.role === role : last.role === null && last.action === action)) set({ lastError: null });
      }
      return res;
    }

    async function roleAction(action: RoleAction, role: string, fn: () => Promise<Result<unknown>>): Promise<boolean> {
      if (get().pending[role]) return false;
      set((s) => ({ pending: withPending(s.pending, role, action) }));
      try {
        const res = await call(action, role, fn);
        if (res.ok) notify(NOTICES[action]?.(role) ?? `${role}: done`);
        return res.ok;
      } finally {
        set((s) => ({ pending: withPending(s.pending, role, null) }));
      }
    }

    return {
      snapshot: null,
      sessionsByRole: {},
      pending: {},
      lastError: null,
      notice: null,
      view: initial?.view ?? { name: 'roles' },
      selectedRole: null,
      focusRequest: null,

      connect() {
        const offSnapshot = api.onSnapshot((s) => get().receiveSnapshot(s));
        const offFocus = api.onFocusRole((role) =>
          set({ view: { name: 'roles' }, selectedRole: role, focusRequest: { role, seq: ++focusSeq } }),
        );
        api.getSnapshot().then(
          (s) => {
            // A pushed snapshot that arrived first is at least as new as this one.
            if (get().snapshot === null) get().receiveSnapshot(s);
          },
          (e: unknown) => set({ lastError: { role: null, action: 'load', error: asErrorView(e) } }),
        );
        return () => {
          offSnapshot();
          offFocus();
        };
      },

      receiveSnapshot(snapshot) {
        set((s) => applySnapshot(s, snapshot));
      },

      navigate(view) {
        set({ view });
      },

      select(role) {
        if (get().selectedRole !== role) set({ selectedRole: role });
      },

      switchRole: (role) => roleAction('switch', role, () => api.switchRole(role)),
      refreshRole: (role) => roleAction('refresh', role, () => api.refreshRole(role)),
      stopRole: (role) => roleAction('stop', role, () => api.stopRole(role)),
      openConsole: (role) => roleAction('console', role, () => api.openConsole(role)),
      copyEnv: (role) => roleAction('copy', role, () => api.copyEnv(role)),

      saveIdentity(input) {
        return call('identity', null, () => api.addIdentity(input));
      },

      async removeIdentity(name) {
        const res = await call('identity', null, () => api.removeIdentity(name));
        if (res.ok) notify(`Identity ${name} and its keychain entry were deleted`);
        return res;
      },

      async saveRole(input, editing) {
        const res = await call('role', null, () => (editing === null ? api.addRole(input) : api.updateRole(editing, input)));
        if (res.ok) notify(editing === null ? `Role ${input.name} added` : `Role ${input.name} saved`);
        return res;
      },

      async removeRole(name) {
        if (get().pending[name]) return { ok: false, error: { code: 'busy', message: `${name} is busy`, hint: 'wait for the running action to finish', retryable: true } };
        set((s) => ({ pending: withPending(s.pending, name, 'remove') }));
        try {
          const res = await call('remove', name, () => api.removeRole(name));
          if (res.ok) notify(NOTICES.remove?.(name) ?? '');
          return res;
        } finally {
          set((s) => ({ pending: withPending(s.pending, name, null) }));
        }
      },

      async updateSettings(patch) {
        // Optimistic: controls reflect the change at once; main's answer (or a fresh snapshot on
        // failure) settles it.
        const before = get().snapshot;
        if (before) set({ snapshot: { ...before, settings: { ...before.settings, ...patch } } });
        const res = await call('settings', null, () => api.updateSettings(patch));
        const now = get().snapshot;
        if (res.ok && now) {
          set((s) => applySnapshot(s, { ...now, settings: res.value }));
        } else if (!res.ok) {
          const fresh = await api.getSnapshot().catch(() => null);
          if (fresh) get().receiveSnapshot(fresh);
          else if (before) set({ snapshot: before });
        }
        return res;
      },

      async startSandbox() {
        const res = await call('sandbox', null, () => api.startSandbox());
        if (res.ok) notify('Sandbox started');
        return res;
      },

      dismissError() {
        set({ lastError: null });
      },

      dismissNotice() {
        set({ notice: null });
      },
    };
  });
}

// ------------------------------------------------------------------ selectors

export const selectSnapshot = (s: RoleTrayState): AppSnapshot | null => s.snapshot;
export const selectView = (s: RoleTrayState): View => s.view;

/** The SessionView of one role (identity-stable while the session does not change). */
export const selectSession =
  (role: string) =>
  (s: RoleTrayState): SessionView | undefined =>
    s.sessionsByRole[role];

export const selectPending =
  (role: string) =>
  (s: RoleTrayState): RoleAction | undefined =>
    s.pending[role];

/** The last action error about one role, or null. */
export const selectRoleError =
  (role: string) =>
  (s: RoleTrayState): ErrorView | null =>
    s.lastError && s.lastError.role === role ? s.lastError.error : null;
