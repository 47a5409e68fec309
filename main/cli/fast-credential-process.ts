/**
 * The fast path of `roletray credential-process <role>`: answer from the role's StsToken profile
 * in the aliyun CLI config, else the keychain-cached session, when it has more than the refresh
 * lead time left, so each aliyun CLI call costs no STS round
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
import type { SessionCredentials } from '../core/common/model';
import { credentialProcessJson } from './credential-output';

const DEFAULT_LEAD_SECONDS = 300;

interface CatalogPeek {
  version?: unknown;
  roles?: unknown;
  managedProfiles?: unknown;
  settings?: { refreshLeadSeconds?: unknown };
}

/**
 * The role's own StsToken profile in the aliyun CLI config holds the same short-lived
 * credentials RoleTray wrote there (that file exists for them): answering from it needs no
 * keychain round trip at all. Only a profile RoleTray manages, in StsToken mode, with an STS key
 * and more than the lead time left, is used.
 */
function fromCliProfile(configFile: string, profile: string, leadMs: number): SessionCredentials | null {
  const doc = JSON.parse(readFileSync(configFile, 'utf8').replace(/^\uFEFF/, '')) as { profiles?: unknown };
  if (!Array.isArray(doc.profiles)) return null;
  const p = doc.profiles.find((x: unknown) => typeof x === 'object' && x !== null && (x as { name?: unknown }).name === profile) as Record<string, unknown> | undefined;
  if (!p || p['mode'] !== 'StsToken') return null;
  const id = p['access_key_id'];
  const secret = p['access_key_secret'];
  const token = p['sts_token'];
  const exp = p['sts_expiration'];
  if (typeof id !== 'string' || !id.startsWith('STS.') || typeof secret !== 'string' || !secret || typeof token !== 'string' || !token) return null;
  if (typeof exp !== 'number' || !Number.isInteger(exp) || exp * 1000 - Date.now() <= leadMs) return null;
  return { accessKeyId: id, accessKeySecret: secret, securityToken: token, expiresAt: exp * 1000, assumedRoleArn: '' };
}

/** Print the cached credentials of `role` and return true, or return false to take the full path. */
export async function cachedCredentialProcess(role: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    const paths = resolvePaths(env);
    const cat = JSON.parse(readFileSync(paths.catalogFile, 'utf8')) as CatalogPeek;
    if (cat.version !== 1 || !Array.isArray(cat.roles)) return false;
    const entry = cat.roles.find((r: unknown) => typeof r === 'object' && r !== null && (r as { name?: unknown }).name === role) as { profile?: unknown } | undefined;
    if (!entry) return false;
    const lead = cat.settings?.refreshLeadSeconds;
    const leadMs = (typeof lead === 'number' && Number.isInteger(lead) && lead >= 60 && lead <= 3600 ? lead : DEFAULT_LEAD_SECONDS) * 1000;
    const managed = Array.isArray(cat.managedProfiles) && typeof entry.profile === 'string' && cat.managedProfiles.includes(entry.profile);
    if (managed) {
      try {
        const fromProfile = fromCliProfile(paths.cliConfigFile, entry.profile as string, leadMs);
        if (fromProfile) {
          process.stdout.write(credentialProcessJson(fromProfile));
          return true;
        }
      } catch {
        // unreadable config: fall through to the keychain cache
      }
    }
    const cached = await readCachedSession(new KeytarSecretStore(paths.keychainService), role);
    if (!cached || cached.creds.expiresAt - Date.now() <= leadMs) return false;
    if (!cached.creds.accessKeySecret || !cached.creds.securityToken) return false;
    process.stdout.write(credentialProcessJson(cached.creds));
    return true;
  } catch {
    return false;
  }
}
