/**
 * The one typed IPC contract between main and the renderer. Types and constants only: imported by
 * preload/, renderer/ and main/ (the backend implements it; the preload forwards it).
 *
 * No long-lived secret ever travels main -> renderer. The only secret that travels at all is the
 * AccessKey secret of the add-identity form, one way, renderer -> main -> keychain.
 */
import type { ErrorView, Role, SessionView, Settings, Site } from '../main/core/common/model';

export type { ErrorView, Role, SessionView, Settings, Site };

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorView };

export interface IdentityView {
  name: string;
  /** AccessKey ID (not a secret, but shown masked in lists). */
  accessKeyId: string;
  site: Site;
  region: string;
  stsEndpoint: string | null;
  accountId: string | null;
  arn: string | null;
  placeholder: boolean;
}

export interface RoleView extends Role {
  accountId: string;
  /** Alias if known, else the account ID. */
  accountLabel: string;
  /** Names of roles/identities in the chain, source first. */
  chain: string[];
}

export interface ActivityView {
  at: number;
  kind: 'assume' | 'refresh' | 'switch' | 'stop' | 'error' | 'identity' | 'role';
  role: string | null;
  message: string;
}

export interface AppSnapshot {
  identities: IdentityView[];
  roles: RoleView[];
  sessions: SessionView[];
  settings: Settings;
  /** `current` of the aliyun CLI config. */
  currentProfile: string | null;
  /** Profiles in the CLI config RoleTray does not manage (for clash warnings in forms). */
  foreignProfiles: string[];
  activity: ActivityView[];
  sandbox: { running: boolean; url: string | null };
  /** Problems to show as banners (CLI config invalid, keychain unavailable). */
  problems: ErrorView[];
  platform: string;
}

export interface IdentityFormInput {
  name: string;
  accessKeyId: string;
  /** Sent once, straight into the keychain; never echoed back. */
  secret: string;
  site: Site;
  region: string;
  stsEndpoint?: string | undefined;
  /** Overwrite an existing identity of that name (edit). */
  replace?: boolean | undefined;
}

export interface RoleFormInput {
  name: string;
  arn: string;
  source: string;
  profile?: string | undefined;
  region?: string | undefined;
  durationSeconds?: number | undefined;
  sessionName?: string | undefined;
  externalId?: string | undefined;
  policy?: string | undefined;
  accountAlias?: string | undefined;
}

/** Request/response map: channel -> (args) => result. */
export interface InvokeMap {
  'roletray:get-snapshot': () => AppSnapshot;
  'roletray:add-identity': (input: IdentityFormInput) => Result<{ accountId: string | null; arn: string | null }>;
  'roletray:remove-identity': (name: string) => Result<null>;
  'roletray:add-role': (input: RoleFormInput) => Result<null>;
  'roletray:update-role': (oldName: string, input: RoleFormInput) => Result<null>;
  'roletray:remove-role': (name: string) => Result<null>;
  'roletray:switch-role': (name: string) => Result<SessionView>;
  'roletray:refresh-role': (name: string) => Result<SessionView>;
  'roletray:stop-role': (name: string) => Result<null>;
  'roletray:open-console': (name: string) => Result<null>;
  'roletray:copy-env': (name: string) => Result<null>;
  'roletray:update-settings': (patch: Partial<Settings>) => Result<Settings>;
  'roletray:start-sandbox': () => Result<null>;
}

export type Channel = keyof InvokeMap;

/** Events main -> renderer. */
export interface EventMap {
  'roletray:snapshot': AppSnapshot;
  'roletray:focus-role': string;
}

export const CHANNELS = [
  'roletray:get-snapshot',
  'roletray:add-identity',
  'roletray:remove-identity',
  'roletray:add-role',
  'roletray:update-role',
  'roletray:remove-role',
  'roletray:switch-role',
  'roletray:refresh-role',
  'roletray:stop-role',
  'roletray:open-console',
  'roletray:copy-env',
  'roletray:update-settings',
  'roletray:start-sandbox',
] as const satisfies readonly Channel[];

type Promisified<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;

/** The object the preload exposes as `window.roletray`. */
export interface RoleTrayApi {
  getSnapshot: Promisified<InvokeMap['roletray:get-snapshot']>;
  addIdentity: Promisified<InvokeMap['roletray:add-identity']>;
  removeIdentity: Promisified<InvokeMap['roletray:remove-identity']>;
  addRole: Promisified<InvokeMap['roletray:add-role']>;
  updateRole: Promisified<InvokeMap['roletray:update-role']>;
  removeRole: Promisified<InvokeMap['roletray:remove-role']>;
  switchRole: Promisified<InvokeMap['roletray:switch-role']>;
  refreshRole: Promisified<InvokeMap['roletray:refresh-role']>;
  stopRole: Promisified<InvokeMap['roletray:stop-role']>;
  openConsole: Promisified<InvokeMap['roletray:open-console']>;
  copyEnv: Promisified<InvokeMap['roletray:copy-env']>;
  updateSettings: Promisified<InvokeMap['roletray:update-settings']>;
  startSandbox: Promisified<InvokeMap['roletray:start-sandbox']>;
  onSnapshot(cb: (s: AppSnapshot) => void): () => void;
  onFocusRole(cb: (role: string) => void): () => void;
}

/** Method name -> channel, so preload and test bridges forward the same way. */
export const METHOD_CHANNELS = {
  getSnapshot: 'roletray:get-snapshot',
  addIdentity: 'roletray:add-identity',
  removeIdentity: 'roletray:remove-identity',
  addRole: 'roletray:add-role',
  updateRole: 'roletray:update-role',
  removeRole: 'roletray:remove-role',
  switchRole: 'roletray:switch-role',
  refreshRole: 'roletray:refresh-role',
  stopRole: 'roletray:stop-role',
  openConsole: 'roletray:open-console',
  copyEnv: 'roletray:copy-env',
  updateSettings: 'roletray:update-settings',
  startSandbox: 'roletray:start-sandbox',
} as const satisfies Record<Exclude<keyof RoleTrayApi, 'onSnapshot' | 'onFocusRole'>, Channel>;
