/**
 * A benchmark world: the sandbox STS on loopback (in this thread, or in a worker thread so its
 * heap and event loop are separate), a core over temp files, and the real keychain under a unique
 * service name (or MemorySecretStore where the benchmark says so).
 */
import path from 'node:path';
import { createCore, type Core } from '../../main/core/index';
import type { Clock, SecretStore, StsClient } from '../../main/core/ports';
import { silentLogger } from '../../main/core/ports';
import { KeytarSecretStore, MemorySecretStore } from '../../main/core/secret-store';
import { startSandbox, type SandboxHandle, type SandboxOptions } from '../../main/sandbox/index';
import { clearKeychain, keychainService, longLivedSecret, removeDir, tempDir } from './common';

export const USER_AKID = 'RTSANDBOX0USER0001';
export const ACCOUNT_A = '1234567890123456';
export const ACCOUNT_B_ROOT = 'acs:ram::9876543210987654:root';
export const arnOf = (role: string): string => `acs:ram::${ACCOUNT_A}:role/${role}`;

export interface BenchWorld {
  core: Core;
  env: NodeJS.ProcessEnv;
  home: string;
  dataDir: string;
  cliConfigFile: string;
  service: string;
  userSecret: string;
  stsUrl: string;
  cleanup(): Promise<void>;
}

export interface WorldOptions {
  stsUrl: string;
  userSecret?: string;
  clock?: Clock;
  /** 'memory' only where a benchmark documents it. Default: the real keychain. */
  secrets?: 'keychain' | 'memory';
  /** Wrap the secret store (e.g. to time keychain calls). */
  wrapSecrets?: (store: SecretStore) => SecretStore;
  sts?: StsClient;
  /** Default: the real FileLogger in the data dir (so the secret scan covers logs). */
  quietLogs?: boolean;
}

/** A SecretStore wrapper that adds up the time spent in the store. */
export class TimedSecretStore implements SecretStore {
  ms = 0;
  calls = 0;
  constructor(private readonly inner: SecretStore) {}
  private async time<T>(p: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await p();
    } finally {
      this.ms += performance.now() - t0;
      this.calls++;
    }
  }
  get(a: string) {
    return this.time(() => this.inner.get(a));
  }
  peek(a: string) {
    return this.time(() => this.inner.peek(a));
  }
  set(a: string, s: string) {
    return this.time(() => this.inner.set(a, s));
  }
  delete(a: string) {
    return this.time(() => this.inner.delete(a));
  }
  list() {
    return this.time(() => this.inner.list());
  }
}

export function createWorld(opts: WorldOptions): BenchWorld {
  const home = tempDir('roletray-bench-');
  const dataDir = path.join(home, 'data');
  const cliConfigFile = path.join(home, '.aliyun', 'config.json');
  const service = keychainService();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    ROLETRAY_HOME: dataDir,
    ROLETRAY_CLI_CONFIG: cliConfigFile,
    ROLETRAY_KEYCHAIN_SERVICE: service,
    ROLETRAY_STS_ENDPOINT: opts.stsUrl,
  };
  const base: SecretStore = opts.secrets === 'memory' ? new MemorySecretStore() : new KeytarSecretStore(service);
  const secrets = opts.wrapSecrets ? opts.wrapSecrets(base) : base;
  const core = createCore({
    env,
    secrets,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.sts ? { sts: opts.sts } : {}),
    ...(opts.quietLogs ? { logger: silentLogger } : {}),
  });
  return {
    core,
    env,
    home,
    dataDir,
    cliConfigFile,
    service,
    userSecret: opts.userSecret ?? longLivedSecret(),
    stsUrl: opts.stsUrl,
    async cleanup() {
      if (opts.secrets !== 'memory') await clearKeychain(service);
      removeDir(home);
    },
  };
}

/** A sandbox in this thread with the run's long-lived secret. */
export function localSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  return startSandbox({ userSecret: longLivedSecret(), ...opts });
}

/** Add the identity "me" (test_user1's key) to the world's catalog, verified against the sandbox. */
export async function addMe(w: BenchWorld, verify = true): Promise<void> {
  await w.core.manager.addIdentity({ name: 'me', accessKeyId: USER_AKID, secret: w.userSecret, region: 'cn-hangzhou', verify });
}
