/**
 * A complete test world: the sandbox STS on loopback with a random user secret, the REAL keychain
 * under a per-test service name, and temp HOME / ROLETRAY_HOME / CLI config files.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ApiBackend, BackendHooks } from '../../main/core/api-backend';
import { createApiBackend } from '../../main/core/api-backend';
import type { Core, CoreOptions } from '../../main/core/index';
import { createCore } from '../../main/core/index';
import { KeytarSecretStore } from '../../main/core/secret-store';
import type { SandboxHandle, SandboxOptions } from '../../main/sandbox/index';
import { startSandbox } from '../../main/sandbox/index';

export const DEMO_USER_AKID = 'RTSANDBOX0USER0001';
export const ACCOUNT_A = '1234567890123456';
export const arnOf = (role: string): string => `acs:ram::${ACCOUNT_A}:role/${role}`;

export interface TestWorld {
  sandbox: SandboxHandle;
  core: Core;
  backend: ApiBackend;
  env: NodeJS.ProcessEnv;
  home: string;
  dataDir: string;
  cliConfigFile: string;
  service: string;
  userSecret: string;
  /** Hook calls recorded by the backend (opened URLs, clipboard writes). */
  opened: string[];
  clipboard: string[];
  cleanup(): Promise<void>;
}

export function randomSecret(): string {
  return `rtTestSecret${randomBytes(12).toString('hex')}`;
}

export async function startTestWorld(opts: { sandbox?: SandboxOptions; core?: Partial<CoreOptions>; hooks?: Partial<BackendHooks> } = {}): Promise<TestWorld> {
  const userSecret = opts.sandbox?.userSecret ?? randomSecret();
  const sandbox = await startSandbox({ ...opts.sandbox, userSecret });
  const home = await mkdtemp(path.join(os.tmpdir(), 'roletray-test-'));
  const dataDir = path.join(home, 'data');
  const cliConfigFile = path.join(home, '.aliyun', 'config.json');
  const service = `roletray-test-${randomBytes(6).toString('hex')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    ROLETRAY_HOME: dataDir,
    ROLETRAY_CLI_CONFIG: cliConfigFile,
    ROLETRAY_KEYCHAIN_SERVICE: service,
    ROLETRAY_STS_ENDPOINT: sandbox.url,
  };
  const core = createCore({ env, ...opts.core });
  const opened: string[] = [];
  const clipboard: string[] = [];
  const backend = createApiBackend(core, {
    openExternal: async (u) => void opened.push(u),
    writeClipboard: async (t) => void clipboard.push(t),
    ...opts.hooks,
  });
  return {
    sandbox,
    core,
    backend,
    env,
    home,
    dataDir,
    cliConfigFile,
    service,
    userSecret,
    opened,
    clipboard,
    async cleanup() {
      backend.dispose();
      await sandbox.close();
      const store = new KeytarSecretStore(service);
      for (const account of await store.list().catch(() => [])) await store.delete(account).catch(() => false);
      await rm(home, { recursive: true, force: true });
    },
  };
}
