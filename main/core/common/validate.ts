/**
 * Input validation shared by core, CLI, IPC and renderer forms. Pure: no node, no DOM.
 *
 * Each validator returns null when the value is fine, else a one-line human reason.
 */

export const ROLE_ARN_RE = /^acs:ram::(\d{12,16}):role\/([A-Za-z0-9._-]{1,64})$/;
export const SESSION_NAME_RE = /^[A-Za-z0-9.@_-]{2,64}$/;
export const EXTERNAL_ID_RE = /^[\w+=,.@:/-]{2,1224}$/;
export const REGION_RE = /^[a-z]{2,}(-[a-z0-9]+)+$/;
export const ACCESS_KEY_ID_RE = /^[A-Za-z0-9]{8,128}$/;
export const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const PROFILE_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

export const MIN_DURATION = 900;
export const MAX_DURATION = 43_200;
export const CHAINED_FALLBACK_DURATION = 3600;

export function parseRoleArn(arn: string): { accountId: string; roleName: string } | null {
  const m = ROLE_ARN_RE.exec(arn);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return { accountId: m[1], roleName: m[2] };
}

export function checkRoleArn(arn: string): string | null {
  if (parseRoleArn(arn)) return null;
  return `"${clip(arn)}" is not a RAM role ARN; expected acs:ram::<12-16 digit account ID>:role/<role name>`;
}

export function checkSessionName(name: string): string | null {
  if (SESSION_NAME_RE.test(name)) return null;
  return `session name "${clip(name)}" must be 2-64 characters from A-Z a-z 0-9 . @ _ -`;
}

export function checkDuration(seconds: number): string | null {
  if (!Number.isInteger(seconds)) return `duration must be a whole number of seconds`;
  if (seconds < MIN_DURATION || seconds > MAX_DURATION) {
    return `duration ${seconds}s is outside ${MIN_DURATION}..${MAX_DURATION} seconds (15 minutes to 12 hours)`;
  }
  return null;
}

export function checkExternalId(id: string): string | null {
  if (EXTERNAL_ID_RE.test(id)) return null;
  return `ExternalId must be 2-1224 characters from letters, digits and + = , . @ : / - _`;
}

export function checkRegion(region: string): string | null {
  if (REGION_RE.test(region)) return null;
  return `"${clip(region)}" is not a region ID (for example cn-hangzhou or ap-southeast-1)`;
}

export function checkAccessKeyId(id: string): string | null {
  if (ACCESS_KEY_ID_RE.test(id)) return null;
  return `AccessKey ID must be 8-128 letters and digits`;
}

export function checkName(kind: string, name: string): string | null {
  if (NAME_RE.test(name)) return null;
  return `${kind} name "${clip(name)}" must start with a letter or digit and use only letters, digits, . _ - (at most 64)`;
}

export function checkProfileName(name: string): string | null {
  if (PROFILE_RE.test(name)) return null;
  return `profile name "${clip(name)}" must start with a letter or digit and use only letters, digits, . _ @ - (at most 128)`;
}

/** A session policy: JSON object with a Statement array, at most 2048 characters. */
export function checkPolicy(policy: string): string | null {
  if (policy.length < 1 || policy.length > 2048) return `session policy must be 1-2048 characters (got ${policy.length})`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(policy);
  } catch (e) {
    return `session policy is not valid JSON: ${(e as Error).message}`;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'session policy must be a JSON object';
  const st = (parsed as Record<string, unknown>)['Statement'];
  if (!Array.isArray(st) || st.length === 0) return 'session policy needs a non-empty "Statement" array';
  for (const s of st) {
    if (typeof s !== 'object' || s === null) return 'each policy Statement must be an object';
    const eff = (s as Record<string, unknown>)['Effect'];
    if (eff !== 'Allow' && eff !== 'Deny') return 'each policy Statement needs "Effect": "Allow" or "Deny"';
    if (!('Action' in s)) return 'each policy Statement needs an "Action"';
  }
  return null;
}

/** Validate an STS endpoint URL: https anywhere, plain http only on loopback. */
export function checkStsEndpoint(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.includes('://') ? url : `https://${url}`);
  } catch {
    return `"${clip(url)}" is not a URL`;
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return null;
  return `STS endpoint ${u.host} must use https (plain http is allowed only for 127.0.0.1/localhost)`;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Default session name: roletray-<something safe> limited to the STS alphabet. */
export function defaultSessionName(user: string): string {
  const cleaned = `roletray-${user}`.replace(/[^A-Za-z0-9.@_-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : 'roletray';
}

/** Default CLI profile name for a role. */
export function defaultProfileName(roleName: string): string {
  return `roletray-${roleName}`.slice(0, 128);
}

function clip(s: string): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 80 ? `${printable.slice(0, 77)}...` : printable;
}
