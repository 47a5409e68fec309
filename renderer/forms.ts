/**
 * Live validation of the identity and role forms, built on the shared validators of
 * main/core/common/validate.ts (main validates again; these only give early, precise feedback).
 *
 * Pure: no DOM, no React. Form values are the raw strings of the inputs.
 */
import type { AppSnapshot, IdentityFormInput, RoleFormInput, RoleView, Site } from '../preload/contract';
import {
  checkAccessKeyId,
  checkDuration,
  checkExternalId,
  checkName,
  checkPolicy,
  checkProfileName,
  checkRegion,
  checkRoleArn,
  checkSessionName,
  checkStsEndpoint,
  defaultProfileName,
  parseRoleArn,
} from '../main/core/common/validate';

/** Longest source chain main accepts (identity -> role -> ... ). */
export const MAX_CHAIN_DEPTH = 5;
export const DEFAULT_DURATION_SECONDS = 3600;

export const CHAINED_DURATION_NOTE =
  'Alibaba Cloud may cap chained sessions at 1 hour; if STS refuses the duration, RoleTray retries once at 3600 s and remembers it';

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

// ------------------------------------------------------------------ identity form

export interface IdentityFormValues {
  name: string;
  accessKeyId: string;
  secret: string;
  site: Site;
  region: string;
  stsEndpoint: string;
}

export type IdentityField = keyof IdentityFormValues;

export function emptyIdentityForm(snapshot: AppSnapshot | null): IdentityFormValues {
  return {
    name: '',
    accessKeyId: '',
    secret: '',
    site: snapshot?.settings.site ?? 'cn',
    region: snapshot?.settings.defaultRegion ?? 'cn-hangzhou',
    stsEndpoint: '',
  };
}

/** Field errors of the identity form; `editing` is the name of the identity being edited. */
export function validateIdentityForm(
  v: IdentityFormValues,
  snapshot: AppSnapshot | null,
  editing: string | null,
): FieldErrors<IdentityField> {
  const errors: FieldErrors<IdentityField> = {};
  const name = v.name.trim();
  if (!name) errors.name = 'give the identity a name, for example your RAM user name';
  else {
    const bad = checkName('identity', name);
    if (bad) errors.name = bad;
    else if (name !== editing && snapshot?.identities.some((i) => i.name === name)) errors.name = `an identity named "${name}" already exists`;
    else if (snapshot?.roles.some((r) => r.name === name)) errors.name = `"${name}" is already a role name`;
  }
  const akid = v.accessKeyId.trim();
  if (!akid) errors.accessKeyId = 'paste the AccessKey ID of the RAM user';
  else {
    const bad = checkAccessKeyId(akid);
    if (bad) errors.accessKeyId = bad;
  }
  if (!v.secret) errors.secret = 'paste the AccessKey secret (it goes straight into the system keychain)';
  else if (/\s/.test(v.secret)) errors.secret = 'the secret contains spaces or line breaks; paste it exactly as shown when the key was created';
  else if (v.secret.length < 8) errors.secret = 'that is too short to be an AccessKey secret';
  const region = v.region.trim();
  if (!region) errors.region = 'choose the default region, for example cn-hangzhou';
  else {
    const bad = checkRegion(region);
    if (bad) errors.region = bad;
  }
  const ep = v.stsEndpoint.trim();
  if (ep) {
    const bad = checkStsEndpoint(ep);
    if (bad) errors.stsEndpoint = bad;
  }
  return errors;
}

/** The request for main; the caller clears the secret from its state as soon as this is sent. */
export function identityInput(v: IdentityFormValues, editing: string | null): IdentityFormInput {
  const ep = v.stsEndpoint.trim();
  return {
    name: v.name.trim(),
    accessKeyId: v.accessKeyId.trim(),
    secret: v.secret,
    site: v.site,
    region: v.region.trim(),
    ...(ep ? { stsEndpoint: ep } : {}),
    ...(editing !== null ? { replace: true } : {}),
  };
}

// ------------------------------------------------------------------ role form

export interface RoleFormValues {
  name: string;
  arn: string;
  source: string;
  profile: string;
  region: string;
  duration: string;
  sessionName: string;
  externalId: string;
  policy: string;
  accountAlias: string;
}

export type RoleField = keyof RoleFormValues;

export function emptyRoleForm(snapshot: AppSnapshot | null): RoleFormValues {
  return {
    name: '',
    arn: '',
    source: snapshot?.identities[0]?.name ?? '',
    profile: '',
    region: '',
    duration: String(DEFAULT_DURATION_SECONDS),
    sessionName: '',
    externalId: '',
    policy: '',
    accountAlias: '',
  };
}

export function roleFormFromRole(role: RoleView): RoleFormValues {
  return {
    name: role.name,
    arn: role.arn,
    source: role.source,
    profile: role.profile,
    region: role.region ?? '',
    duration: String(role.durationSeconds),
    sessionName: role.sessionName ?? '',
    externalId: role.externalId ?? '',
    policy: role.policy ?? '',
    accountAlias: role.accountAlias ?? '',
  };
}

/** Display name suggested by an ARN: its role name ("fc-admin"), or "" when the ARN is not valid. */
export function roleNameFromArn(arn: string): string {
  return parseRoleArn(arn.trim())?.roleName ?? '';
}

/**
 * Would `source` as the source of role `name` (replacing `editing`) create a cycle or too deep a
 * chain? Walks the sources of the catalog's roles with the edited role in place.
 */
export function wouldCycle(roles: readonly Pick<RoleView, 'name' | 'source'>[], name: string, source: string, editing: string | null): boolean {
  if (source === name || (editing !== null && source === editing)) return true;
  const sources = new Map<string, string>();
  for (const r of roles) if (r.name !== editing) sources.set(r.name, r.source);
  sources.set(name, source);
  const seen = new Set<string>([name]);
  let cur = source;
  for (let depth = 0; sources.has(cur); depth++) {
    if (seen.has(cur) || depth >= MAX_CHAIN_DEPTH) return true;
    seen.add(cur);
    cur = sources.get(cur) ?? '';
  }
  return false;
}

export interface SourceOption {
  name: string;
  kind: 'identity' | 'role';
  /** Why it cannot be chosen, or null. */
  disabled: string | null;
}

/** Possible sources of a role: every identity, and every role that would not make a cycle. */
export function sourceOptions(snapshot: AppSnapshot | null, name: string, editing: string | null): SourceOption[] {
  if (!snapshot) return [];
  const self = name.trim() || editing || '';
  const opts: SourceOption[] = snapshot.identities.map((i) => ({
    name: i.name,
    kind: 'identity',
    disabled: i.placeholder ? 'has no key yet' : null,
  }));
  for (const r of snapshot.roles) {
    if (r.name === editing) continue;
    opts.push({ name: r.name, kind: 'role', disabled: wouldCycle(snapshot.roles, self, r.name, editing) ? 'would make a cycle' : null });
  }
  return opts;
}

/** Whether `source` names a role (so the new role is assumed with STS credentials: chaining). */
export function isChained(snapshot: AppSnapshot | null, source: string, editing: string | null): boolean {
  return !!snapshot?.roles.some((r) => r.name === source && r.name !== editing);
}

/** The profile the role will write: the typed one, or the default derived from its name. */
export function effectiveProfile(v: RoleFormValues): string {
  const typed = v.profile.trim();
  if (typed) return typed;
  const name = v.name.trim() || roleNameFromArn(v.arn);
  return name ? defaultProfileName(name) : '';
}

export interface RoleFormCheck {
  errors: FieldErrors<RoleField>;
  /** Non-blocking remarks (the chained-duration note). */
  notes: FieldErrors<RoleField>;
  chained: boolean;
  profile: string;
}

/** Live validation of the role form; `editing` is the name of the role being edited. */
export function validateRoleForm(v: RoleFormValues, snapshot: AppSnapshot | null, editing: string | null): RoleFormCheck {
  const errors: FieldErrors<RoleField> = {};
  const notes: FieldErrors<RoleField> = {};
  const arn = v.arn.trim();
  if (!arn) errors.arn = 'paste the role ARN, for example acs:ram::123456789012****:role/fc-admin';
  else {
    const bad = checkRoleArn(arn);
    if (bad) errors.arn = bad;
  }

  const name = v.name.trim() || roleNameFromArn(arn);
  if (!name) errors.name = 'give the role a name';
  else {
    const bad = checkName('role', name);
    if (bad) errors.name = bad;
    else if (name !== editing && snapshot?.roles.some((r) => r.name === name)) errors.name = `a role named "${name}" already exists`;
    else if (snapshot?.identities.some((i) => i.name === name)) errors.name = `"${name}" is already an identity name`;
  }

  const source = v.source;
  const chained = isChained(snapshot, source, editing);
  if (!source) errors.source = snapshot && snapshot.identities.length === 0 ? 'add an identity first' : 'choose the identity or role to assume it with';
  else if (snapshot && !snapshot.identities.some((i) => i.name === source) && !chained) errors.source = `"${source}" is neither an identity nor a role`;
  else if (snapshot && chained && wouldCycle(snapshot.roles, name || editing || '', source, editing)) {
    errors.source = `using "${source}" as the source would make a cycle (or a chain deeper than ${MAX_CHAIN_DEPTH})`;
  }

  const profile = effectiveProfile(v);
  if (profile) {
    const bad = checkProfileName(profile);
    if (bad) errors.profile = bad;
    else if (snapshot) {
      const editedRole = editing !== null ? snapshot.roles.find((r) => r.name === editing) : undefined;
      const other = snapshot.roles.find((r) => r.profile === profile && r.name !== editing);
      if (other) errors.profile = `profile "${profile}" is already used by role ${other.name}`;
      else if (snapshot.foreignProfiles.includes(profile) && editedRole?.profile !== profile) {
        errors.profile = `the aliyun CLI config already has a profile "${profile}" that RoleTray does not manage; RoleTray never overwrites it, so choose another name`;
      }
    }
  }

  const region = v.region.trim();
  if (region) {
    const bad = checkRegion(region);
    if (bad) errors.region = bad;
  }

  const durationText = v.duration.trim();
  if (durationText) {
    const seconds = /^\d+$/.test(durationText) ? Number(durationText) : NaN;
    const bad = Number.isNaN(seconds) ? 'duration must be a whole number of seconds' : checkDuration(seconds);
    if (bad) errors.duration = bad;
  }
  if (chained) notes.duration = CHAINED_DURATION_NOTE;

  const sessionName = v.sessionName.trim();
  if (sessionName) {
    const bad = checkSessionName(sessionName);
    if (bad) errors.sessionName = bad;
  }
  const externalId = v.externalId.trim();
  if (externalId) {
    const bad = checkExternalId(externalId);
    if (bad) errors.externalId = bad;
  }
  if (v.policy.trim()) {
    const bad = checkPolicy(v.policy.trim());
    if (bad) errors.policy = bad;
  }
  if (v.accountAlias.trim().length > 64) errors.accountAlias = 'account label must be at most 64 characters';
  return { errors, notes, chained, profile };
}

/** The request for main (call only when validateRoleForm found no errors). */
export function roleInput(v: RoleFormValues): RoleFormInput {
  const arn = v.arn.trim();
  const name = v.name.trim() || roleNameFromArn(arn);
  const opt = (s: string): string | undefined => (s.trim() ? s.trim() : undefined);
  const input: RoleFormInput = { name, arn, source: v.source, profile: effectiveProfile(v) };
  const region = opt(v.region);
  if (region) input.region = region;
  const duration = opt(v.duration);
  input.durationSeconds = duration ? Number(duration) : DEFAULT_DURATION_SECONDS;
  const sessionName = opt(v.sessionName);
  if (sessionName) input.sessionName = sessionName;
  const externalId = opt(v.externalId);
  if (externalId) input.externalId = externalId;
  const policy = opt(v.policy);
  if (policy) input.policy = policy;
  const alias = opt(v.accountAlias);
  if (alias) input.accountAlias = alias;
  return input;
}

/** Whether a record of field errors is empty. */
export function hasErrors(errors: FieldErrors<string>): boolean {
  return Object.values(errors).some((e) => !!e);
}
