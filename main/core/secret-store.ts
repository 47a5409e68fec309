/**
 * SecretStore over the OS keychain (keytar). There is no plaintext fallback: when the keychain
 * is unavailable or locked, every call fails with a RoleTrayError('keychain') that says so.
 */
import { RoleTrayError } from './errors';
import type { SecretStore } from './ports';

import type * as KeytarModule from 'keytar';

type Keytar = typeof KeytarModule;

let keytarPromise: Promise<Keytar> | undefined;

async function loadKeytar(): Promise<Keytar> {
  keytarPromise ??= import('keytar').then(
    (m) => ((m as unknown as { default?: Keytar }).default ?? m) as Keytar,
    (e: unknown) => {
      keytarPromise = undefined;
      throw keychainError('the keychain module could not be loaded', e);
    },
  );
  return keytarPromise;
}

function keychainName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service keyring (GNOME Keyring/KWallet)';
}

function keychainError(what: string, cause: unknown): RoleTrayError {
  const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new RoleTrayError('keychain', `the OS keychain (${keychainName()}) is not available: ${what} (${detail})`, {
    hint:
      process.platform === 'linux'
        ? 'start and unlock your keyring (gnome-keyring-daemon) in a desktop/D-Bus session; RoleTray never stores keys in plaintext'
        : 'unlock your keychain and try again; RoleTray never stores keys in plaintext',
    cause,
  });
}

export class KeytarSecretStore implements SecretStore {
  private writableAt = 0;
  private probing: Promise<void> | undefined;

  constructor(readonly service: string) {}

  private async call<T>(what: string, fn: (k: Keytar) => Promise<T>): Promise<T> {
    const k = await loadKeytar();
    try {
      return await fn(k);
    } catch (e) {
      throw keychainError(what, e);
    }
  }

  peek(account: string): Promise<string | null> {
    return this.call(`reading "${account}"`, (k) => k.getPassword(this.service, account));
  }

  async get(account: string): Promise<string | null> {
    const value = await this.call(`reading "${account}"`, (k) => k.getPassword(this.service, account));
    // A locked Secret Service answers "not found" to reads; tell the two apart before the
    // caller concludes the key is missing (and tells the user to add it again).
    if (value === null) await this.assertWritable(`reading "${account}"`);
    return value;
  }

  /**
   * Throw the keychain error when the keychain refuses writes (locked). A probe entry unique to
   * this process is written and removed; concurrent callers share one probe, and one answer holds
   * for a few seconds so the status of many roles does not probe per role.
   */
  private assertWritable(what: string): Promise<void> {
    if (Date.now() - this.writableAt < 5000) return Promise.resolve();
    this.probing ??= (async () => {
      const probe = `__roletray_probe__:${process.pid}:${Math.random().toString(36).slice(2)}`;
      try {
        const k = await loadKeytar();
        await k.setPassword(this.service, probe, 'probe');
        await k.deletePassword(this.service, probe);
        this.writableAt = Date.now();
      } finally {
        this.probing = undefined;
      }
    })();
    return this.probing.catch((e: unknown) => {
      throw keychainError(`${what}: it is locked or refuses access`, e);
    });
  }

  set(account: string, secret: string): Promise<void> {
    return this.call(`saving "${account}"`, (k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.call(`deleting "${account}"`, (k) => k.deletePassword(this.service, account));
  }

  async list(): Promise<string[]> {
    // keytar's findCredentials crashes the process on a locked Secret Service: probe first.
    await this.assertWritable('listing entries');
    const creds = await this.call('listing entries', (k) => k.findCredentials(this.service));
    return creds.map((c) => c.account);
  }
}

/** In-memory store: only for unit tests of pure logic and the sandbox demo, never a fallback. */
export class MemorySecretStore implements SecretStore {
  private readonly map = new Map<string, string>();
  async get(account: string): Promise<string | null> {
    return this.map.get(account) ?? null;
  }
  async peek(account: string): Promise<string | null> {
    return this.map.get(account) ?? null;
  }
  async set(account: string, secret: string): Promise<void> {
    this.map.set(account, secret);
  }
  async delete(account: string): Promise<boolean> {
    return this.map.delete(account);
  }
  async list(): Promise<string[]> {
    return [...this.map.keys()];
  }
}
