/**
 * Environment-neutral model types shared by main/core, the CLI, preload and the renderer.
 *
 * Nothing in this folder may import node:*, electron or the DOM.
 */

export type Site = 'cn' | 'intl';

export interface Identity {
  /** Unique name; also the keychain account that holds the AccessKey secret. */
  name: string;
  accessKeyId: string;
  site: Site;
  region: string;
  /** Optional explicit STS endpoint URL (https://..., or http://127.0.0.1:port for the sandbox). */
  stsEndpoint?: string | undefined;
  /** Filled in by verification (GetCallerIdentity). */
  accountId?: string | undefined;
  arn?: string | undefined;
  /** Imported from a shared catalogue and still without a key in this keychain. */
  placeholder?: boolean | undefined;
}

export interface Role {
  name: string;
  arn: string;
  /** Name of an identity or of another role (role chaining). */
  source: string;
  /** aliyun CLI profile that RoleTray writes for this role. */
  profile: string;
  region?: string | undefined;
  durationSeconds: number;
  sessionName?: string | undefined;
  externalId?: string | undefined;
  policy?: string | undefined;
  /** Human label for the owning account (alias), shown in the tray. */
  accountAlias?: string | undefined;
  /** Set when STS refused the requested duration for a chained role and 3600 s worked. */
  chainedDurationCapped?: boolean | undefined;
}

export interface Settings {
  refreshLeadSeconds: number;
  defaultRegion: string;
  site: Site;
  notifications: boolean;
  launchAtLogin: boolean;
  theme: 'system' | 'light' | 'dark';
}

export interface Catalog {
  version: 1;
  identities: Identity[];
  roles: Role[];
  settings: Settings;
  /** CLI profile names RoleTray owns in the aliyun CLI config (never tagged inside that file). */
  managedProfiles: string[];
  /** `current` of the CLI config before RoleTray first switched it, per managed profile. */
  previousCurrent: Record<string, string>;
}

export type SessionState = 'active' | 'refreshing' | 'expiring' | 'expired' | 'error' | 'stopped';

/** Live STS credentials of a role. Holds secrets: never sent to the renderer, never logged. */
export interface SessionCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  assumedRoleArn: string;
  assumedRoleId?: string | undefined;
  requestId?: string | undefined;
}

/** What the UI and `status` see of a session: no secret in it. */
export interface SessionView {
  role: string;
  profile: string;
  state: SessionState;
  /** Epoch ms, or null when there is no session. */
  expiresAt: number | null;
  /** Epoch ms of the session's issue time, to draw the life bar. */
  issuedAt: number | null;
  assumedRoleArn: string | null;
  current: boolean;
  error: ErrorView | null;
  note: string | null;
}

export interface ErrorView {
  code: string;
  message: string;
  hint: string;
  stsCode?: string | undefined;
  requestId?: string | undefined;
  retryable: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  refreshLeadSeconds: 300,
  defaultRegion: 'cn-hangzhou',
  site: 'cn',
  notifications: true,
  launchAtLogin: false,
  theme: 'system',
};

export function emptyCatalog(): Catalog {
  return {
    version: 1,
    identities: [],
    roles: [],
    settings: { ...DEFAULT_SETTINGS },
    managedProfiles: [],
    previousCurrent: {},
  };
}
