/**
 * Ports: the side effects core depends on, so each has a real adapter and tests can inject time.
 */
import type { SessionCredentials } from './common/model';

/** Long-lived and cached secrets, one string per account under one service. */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  /** Like get, but a miss is not double-checked for a locked keychain (for caches, where a miss is normal). */
  peek(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Accounts present (names only). */
  list(): Promise<string[]>;
}

/** Credentials used to sign an STS call: a RAM user's AccessKey or an STS session (chaining). */
export interface CallerCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

export interface AssumeRoleInput {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  externalId?: string | undefined;
  policy?: string | undefined;
}

export interface CallerIdentity {
  accountId: string;
  arn: string;
  identityType: string;
  principalId: string;
  requestId?: string | undefined;
}

export interface StsClient {
  /** endpoint: full URL, e.g. https://sts.cn-hangzhou.aliyuncs.com or http://127.0.0.1:PORT */
  assumeRole(caller: CallerCredentials, endpoint: string, input: AssumeRoleInput): Promise<SessionCredentials>;
  getCallerIdentity(caller: CallerCredentials, endpoint: string): Promise<CallerIdentity>;
}

/** Injectable clock: tests run a day of refreshes in milliseconds. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending refresh must not keep a CLI process alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
