/**
 * The keychain cache of a role's STS session (account `session:<role>`), so another process (a
 * CLI, a restarted app) reuses a session without calling STS.
 *
 * Light on purpose (no zod, no SDK): `roletray credential-process` reads it on every aliyun CLI
 * call and must start about as fast as a bare `node`.
 */
import type { SessionCredentials } from './common/model';
import { registerSecret } from './errors';
import type { SecretStore } from './ports';

export const SESSION_ACCOUNT_PREFIX = 'session:';

export interface CachedSession {
  v: 1;
  creds: SessionCredentials;
  issuedAt: number;
}

/** Parse the cached text; null when absent or not a session this version wrote. Registers the secrets for redaction. */
export function parseCachedSession(text: string | null): CachedSession | null {
  if (!text) return null;
  try {
    const c = JSON.parse(text) as CachedSession;
    if (c.v !== 1 || typeof c.creds?.accessKeyId !== 'string' || typeof c.creds.expiresAt !== 'number') return null;
    registerSecret(c.creds.accessKeySecret);
    registerSecret(c.creds.securityToken);
    return c;
  } catch {
    return null;
  }
}

/** Read and parse the cached session of a role. */
export async function readCachedSession(secrets: SecretStore, role: string): Promise<CachedSession | null> {
  return parseCachedSession(await secrets.peek(SESSION_ACCOUNT_PREFIX + role));
}
