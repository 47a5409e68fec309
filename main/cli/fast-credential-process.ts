/**
 * The fast path of `roletray credential-process <role>`: answer from the keychain-cached session
 * when it has more than the refresh lead time left, so each aliyun CLI call costs no STS round
 * trip and loads neither commander, zod (the catalog schema) nor the Alibaba Cloud SDKs.
 *
 * It only looks the role up in the catalog (a plain JSON read); anything unusual (no catalog, no
 * such role, no cache, a session due for refresh, a keychain error) returns false and the full
 * command runs, which validates everything and reports errors properly.
 */
import { readFileSync } from 'node:fs';
import { resolvePaths } from '../core/paths';
import { KeytarSecretStore } from '../core/secret-store';
import { readCachedSession } from '../core/session-cache';
import { credentialProcessJson } from './credential-output';

const DEFAULT_LEAD_SECONDS = 300;

interface CatalogPeek {
  version?: unknown;
  roles?: unknown;
  settings?: { refreshLeadSeconds?: unknown };
}

/** Print the cached credentials of `role` and return true, or return false to take the full path. */
export async function cachedCredentialProcess(role: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    const paths = resolvePaths(env);
    const cat = JSON.parse(readFileSync(paths.catalogFile, 'utf8')) as CatalogPeek;
    if (cat.version !== 1 || !Array.isArray(cat.roles)) return false;
    if (!cat.roles.some((r: unknown) => typeof r === 'object' && r !== null && (r as { name?: unknown }).name === role)) return false;
    const lead = cat.settings?.refreshLeadSeconds;
    const leadMs = (typeof lead === 'number' && Number.isInteger(lead) && lead >= 60 && lead <= 3600 ? lead : DEFAULT_LEAD_SECONDS) * 1000;
    const cached = await readCachedSession(new KeytarSecretStore(paths.keychainService), role);
    if (!cached || cached.creds.expiresAt - Date.now() <= leadMs) return false;
    if (!cached.creds.accessKeySecret || !cached.creds.securityToken) return false;
    process.stdout.write(credentialProcessJson(cached.creds));
    return true;
  } catch {
    return false;
  }
}
