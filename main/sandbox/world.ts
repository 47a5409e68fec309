/**
 * The sandbox's demo world: two accounts, RAM users with AccessKeys, and RAM roles with trust
 * policies. Mutable, so tests can revoke trust, add or delete roles and disable keys.
 *
 * The fixed values are documented in main/sandbox/README.md; keep the two in sync.
 */
import { createHash } from 'node:crypto';
import { MAX_DURATION, parseRoleArn } from '../core/common/validate';

/** Account that owns the roles. */
export const ACCOUNT_A = '1234567890123456';
export const ACCOUNT_A_ALIAS = 'acme-prod';
/** Account that owns the RAM users. */
export const ACCOUNT_B = '9876543210987654';
export const ACCOUNT_B_ALIAS = 'acme-dev';

export const TEST_USER = 'test_user1';
export const TEST_USER_KEY_ID = 'RTSANDBOX0USER0001';
export const NO_PERM_USER = 'no_perm_user';
export const NO_PERM_KEY_ID = 'RTSANDBOX0NOPERM01';
export const DISABLED_KEY_ID = 'RTSANDBOX0DISABLED';
/**
 * Secret of test_user1 when no userSecret is given. Public on purpose: it only ever works
 * against a local sandbox. Tests should pass a random userSecret instead.
 */
export const DEMO_USER_SECRET = 'RTSandboxDemoSecret0NotReal000';
/** The ExternalId the vendor-access role's trust policy requires. */
export const VENDOR_EXTERNAL_ID = 'rt-ext-0001';
/** An account outside the world: revokeTrust() points trust policies at it. */
export const FORMER_PARTNER_ACCOUNT = '5555666677778888';

/** Secret of no_perm_user, derived from the user secret. */
export function noPermSecret(userSecret: string): string {
  return `${userSecret}-noperm`;
}

/** Secret of test_user1's inactive key, derived from the user secret. */
export function disabledKeySecret(userSecret: string): string {
  return `${userSecret}-disabled`;
}

export interface Account {
  id: string;
  alias: string;
}

export interface RamUser {
  name: string;
  accountId: string;
  /** Numeric RAM user ID (GetCallerIdentity UserId / PrincipalId). */
  userId: string;
  /** `acs:ram::<account>:user/<name>` */
  arn: string;
  /** Whether the user's own policies grant sts:AssumeRole (AliyunSTSAssumeRoleAccess). */
  allowAssumeRole: boolean;
}

export interface AccessKey {
  accessKeyId: string;
  accessKeySecret: string;
  userName: string;
  accountId: string;
  active: boolean;
}

/** A RAM trust policy (the role's AssumeRolePolicyDocument), STS-REFERENCE section 9.2. */
export interface TrustPolicy {
  Version: string;
  Statement: TrustStatement[];
}

export interface TrustStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Principal: { RAM?: string | string[]; Service?: string | string[]; Federated?: string | string[] };
  /** e.g. `{ StringEquals: { 'sts:ExternalId': 'rt-ext-0001' } }` */
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface RamRole {
  name: string;
  accountId: string;
  /** Numeric role ID (AssumedRoleId / RoleId). */
  roleId: string;
  arn: string;
  /** 3600..43200 seconds. */
  maxSessionDuration: number;
  trustPolicy: TrustPolicy;
  /** Whether the role's own policies grant sts:AssumeRole (needed to chain from it). */
  allowAssumeRole: boolean;
  description: string;
}

export interface AddRoleInput {
  name: string;
  /** Default: account A. */
  accountId?: string;
  /** Default 3600. */
  maxSessionDuration?: number;
  /** Principal ARNs the trust policy names (ignored when trustPolicy is given). */
  trustedPrincipals?: string[];
  /** ExternalId condition added to the generated trust policy. */
  externalId?: string;
  trustPolicy?: TrustPolicy;
  allowAssumeRole?: boolean;
  description?: string;
}

/** Who is calling: a RAM user (long-lived key) or an assumed-role session (STS key). */
export type Caller =
  | { kind: 'user'; user: RamUser }
  | { kind: 'role'; role: { name: string; accountId: string; arn: string; roleId: string }; sessionName: string; policy?: string | undefined };

/** Outcome of evaluating a trust policy for a caller. */
export type TrustDecision =
  | { allowed: true }
  | { allowed: false; reason: 'not-trusted' | 'condition-failed' | 'explicit-deny' };

/** A demo user with its AccessKey, ready to sign with. */
export interface DemoUserKey {
  name: string;
  accountId: string;
  arn: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export function roleArn(accountId: string, roleName: string): string {
  return `acs:ram::${accountId}:role/${roleName}`;
}

export function accountRootArn(accountId: string): string {
  return `acs:ram::${accountId}:root`;
}

/** A trust policy that lets the given principals assume the role, optionally requiring an ExternalId. */
export function trustPolicyFor(principals: string[], externalId?: string): TrustPolicy {
  const st: TrustStatement = { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { RAM: [...principals] } };
  if (externalId !== undefined) st.Condition = { StringEquals: { 'sts:ExternalId': externalId } };
  return { Version: '1', Statement: [st] };
}

/**
 * The mutable demo world. Construct with the test user's secret; everything else is fixed.
 */
export class DemoWorld {
  readonly accounts: Account[] = [
    { id: ACCOUNT_A, alias: ACCOUNT_A_ALIAS },
    { id: ACCOUNT_B, alias: ACCOUNT_B_ALIAS },
  ];
  readonly users: RamUser[];
  readonly keys: AccessKey[];
  readonly roles: RamRole[] = [];
  /** True when the test user's secret is the public DEMO_USER_SECRET. */
  readonly usesDemoSecret: boolean;

  constructor(userSecret: string = DEMO_USER_SECRET) {
    if (userSecret.length === 0) throw new Error('userSecret must not be empty');
    this.usesDemoSecret = userSecret === DEMO_USER_SECRET;
    this.users = [makeUser(TEST_USER, ACCOUNT_B, true), makeUser(NO_PERM_USER, ACCOUNT_B, false)];
    this.keys = [
      { accessKeyId: TEST_USER_KEY_ID, accessKeySecret: userSecret, userName: TEST_USER, accountId: ACCOUNT_B, active: true },
      { accessKeyId: NO_PERM_KEY_ID, accessKeySecret: noPermSecret(userSecret), userName: NO_PERM_USER, accountId: ACCOUNT_B, active: true },
      { accessKeyId: DISABLED_KEY_ID, accessKeySecret: disabledKeySecret(userSecret), userName: TEST_USER, accountId: ACCOUNT_B, active: false },
    ];
    const bRoot = accountRootArn(ACCOUNT_B);
    this.addRole({ name: 'fc-admin', trustedPrincipals: [bRoot], maxSessionDuration: 3600, allowAssumeRole: true, description: 'Function Compute admin; trusts account B' });
    this.addRole({ name: 'readonly', trustedPrincipals: [`acs:ram::${ACCOUNT_B}:user/${TEST_USER}`], maxSessionDuration: 7200, description: 'Read-only; trusts test_user1; 2-hour maximum' });
    this.addRole({ name: 'revoked-role', trustedPrincipals: [accountRootArn(FORMER_PARTNER_ACCOUNT)], description: 'Trust no longer names account B' });
    this.addRole({ name: 'vendor-access', trustedPrincipals: [bRoot], externalId: VENDOR_EXTERNAL_ID, description: `Trusts account B with ExternalId ${VENDOR_EXTERNAL_ID}` });
    this.addRole({ name: 'chain-target', trustedPrincipals: [roleArn(ACCOUNT_A, 'fc-admin')], maxSessionDuration: 43_200, description: 'Trusts role fc-admin (role chaining)' });
    this.addRole({ name: 'long-session', trustedPrincipals: [bRoot], maxSessionDuration: 43_200, allowAssumeRole: true, description: 'Trusts account B; 12-hour maximum' });
  }

  /** test_user1 with its active key. */
  get testUser(): DemoUserKey {
    return this.userKey(TEST_USER_KEY_ID);
  }

  /** no_perm_user with its key (lacks sts:AssumeRole). */
  get noPermUser(): DemoUserKey {
    return this.userKey(NO_PERM_KEY_ID);
  }

  /** test_user1's inactive key. */
  get disabledKey(): DemoUserKey {
    return this.userKey(DISABLED_KEY_ID);
  }

  getAccount(id: string): Account | undefined {
    return this.accounts.find((a) => a.id === id);
  }

  getUser(name: string, accountId: string = ACCOUNT_B): RamUser | undefined {
    return this.users.find((u) => u.name === name && u.accountId === accountId);
  }

  findKey(accessKeyId: string): AccessKey | undefined {
    return this.keys.find((k) => k.accessKeyId === accessKeyId);
  }

  getRole(name: string, accountId: string = ACCOUNT_A): RamRole | undefined {
    return this.roles.find((r) => r.name === name && r.accountId === accountId);
  }

  /** The role an ARN names, if it exists. */
  findRoleByArn(arn: string): RamRole | undefined {
    const p = parseRoleArn(arn);
    return p ? this.getRole(p.roleName, p.accountId) : undefined;
  }

  /** ARN of a role in account A (or the given account). */
  roleArn(name: string, accountId: string = ACCOUNT_A): string {
    return roleArn(accountId, name);
  }

  addRole(input: AddRoleInput): RamRole {
    const accountId = input.accountId ?? ACCOUNT_A;
    if (!this.getAccount(accountId)) throw new Error(`unknown account ${accountId}`);
    const arn = roleArn(accountId, input.name);
    if (!parseRoleArn(arn)) throw new Error(`invalid role name ${input.name}`);
    if (this.getRole(input.name, accountId)) throw new Error(`role ${input.name} already exists`);
    const max = input.maxSessionDuration ?? 3600;
    checkMaxSession(max);
    const role: RamRole = {
      name: input.name,
      accountId,
      roleId: numericId('3', arn, 19),
      arn,
      maxSessionDuration: max,
      trustPolicy: input.trustPolicy ?? trustPolicyFor(input.trustedPrincipals ?? [], input.externalId),
      allowAssumeRole: input.allowAssumeRole ?? false,
      description: input.description ?? '',
    };
    this.roles.push(role);
    return role;
  }

  deleteRole(name: string, accountId: string = ACCOUNT_A): boolean {
    const i = this.roles.findIndex((r) => r.name === name && r.accountId === accountId);
    if (i < 0) return false;
    this.roles.splice(i, 1);
    return true;
  }

  /** Make the role's trust policy name only an account outside the world (the "revoked" state). */
  revokeTrust(name: string, accountId: string = ACCOUNT_A): void {
    this.mustRole(name, accountId).trustPolicy = trustPolicyFor([accountRootArn(FORMER_PARTNER_ACCOUNT)]);
  }

  setTrustPolicy(name: string, policy: TrustPolicy, accountId: string = ACCOUNT_A): void {
    this.mustRole(name, accountId).trustPolicy = structuredClone(policy);
  }

  setMaxSessionDuration(name: string, seconds: number, accountId: string = ACCOUNT_A): void {
    checkMaxSession(seconds);
    this.mustRole(name, accountId).maxSessionDuration = seconds;
  }

  setKeyActive(accessKeyId: string, active: boolean): void {
    const key = this.findKey(accessKeyId);
    if (!key) throw new Error(`unknown AccessKey ${accessKeyId}`);
    key.active = active;
  }

  /** Grant or remove sts:AssumeRole on a user's own policies. */
  setUserCanAssumeRole(userName: string, allowed: boolean, accountId: string = ACCOUNT_B): void {
    const user = this.getUser(userName, accountId);
    if (!user) throw new Error(`unknown user ${userName}`);
    user.allowAssumeRole = allowed;
  }

  /** Add a RAM user with one active key. */
  addUser(name: string, accessKeyId: string, accessKeySecret: string, opts: { accountId?: string; allowAssumeRole?: boolean } = {}): DemoUserKey {
    const accountId = opts.accountId ?? ACCOUNT_B;
    if (!this.getAccount(accountId)) throw new Error(`unknown account ${accountId}`);
    if (this.getUser(name, accountId)) throw new Error(`user ${name} already exists`);
    if (this.findKey(accessKeyId) || accessKeyId.startsWith('STS.')) throw new Error(`AccessKey ID ${accessKeyId} is taken`);
    this.users.push(makeUser(name, accountId, opts.allowAssumeRole ?? true));
    this.keys.push({ accessKeyId, accessKeySecret, userName: name, accountId, active: true });
    return this.userKey(accessKeyId);
  }

  /** Evaluate a role's trust policy for a caller and, when given, the ExternalId sent. */
  evaluateTrust(role: RamRole, caller: Caller, externalId: string | undefined): TrustDecision {
    return evaluateTrustPolicy(role.trustPolicy, caller, externalId);
  }

  private userKey(accessKeyId: string): DemoUserKey {
    const key = this.findKey(accessKeyId);
    const user = key ? this.getUser(key.userName, key.accountId) : undefined;
    if (!key || !user) throw new Error(`no key ${accessKeyId}`);
    return { name: user.name, accountId: user.accountId, arn: user.arn, accessKeyId: key.accessKeyId, accessKeySecret: key.accessKeySecret };
  }

  private mustRole(name: string, accountId: string): RamRole {
    const role = this.getRole(name, accountId);
    if (!role) throw new Error(`unknown role ${name} in ${accountId}`);
    return role;
  }
}

/**
 * Trust policy evaluation: an explicit Deny that matches wins; else an Allow whose principal and
 * conditions match allows; a principal match whose condition fails is reported as such.
 */
export function evaluateTrustPolicy(policy: TrustPolicy, caller: Caller, externalId: string | undefined): TrustDecision {
  let principalMatched = false;
  let allowed = false;
  for (const st of policy.Statement) {
    if (!actionMatches(st.Action, 'sts:AssumeRole')) continue;
    if (!principalMatches(st.Principal.RAM, caller)) continue;
    const condOk = conditionsHold(st.Condition, { 'sts:externalid': externalId });
    if (st.Effect === 'Deny') {
      if (condOk) return { allowed: false, reason: 'explicit-deny' };
      continue;
    }
    principalMatched = true;
    if (condOk) allowed = true;
  }
  if (allowed) return { allowed: true };
  return { allowed: false, reason: principalMatched ? 'condition-failed' : 'not-trusted' };
}

/** Whether a policy Action value (string or list, `*` wildcards, case-insensitive) covers `action`. */
export function actionMatches(value: string | string[] | undefined, action: string): boolean {
  if (value === undefined) return false;
  const list = typeof value === 'string' ? [value] : value;
  return list.some((pattern) => wildcardToRegExp(pattern).test(action));
}

/**
 * Whether a session policy (the AssumeRole `Policy` a session was issued with) still allows
 * `action`: some Allow statement covers it and no Deny does. No policy means no narrowing.
 */
export function sessionPolicyAllows(policyText: string | undefined, action: string): boolean {
  if (policyText === undefined) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(policyText);
  } catch {
    return false;
  }
  const statements = (parsed as { Statement?: unknown }).Statement;
  if (!Array.isArray(statements)) return false;
  let allow = false;
  for (const s of statements as Array<{ Effect?: unknown; Action?: unknown }>) {
    const act = s.Action;
    const covers = (typeof act === 'string' || Array.isArray(act)) && actionMatches(act as string | string[], action);
    if (!covers) continue;
    if (s.Effect === 'Deny') return false;
    if (s.Effect === 'Allow') allow = true;
  }
  return allow;
}

function principalMatches(value: string | string[] | undefined, caller: Caller): boolean {
  if (value === undefined) return false;
  const list = typeof value === 'string' ? [value] : value;
  const accountId = caller.kind === 'user' ? caller.user.accountId : caller.role.accountId;
  return list.some((p) => {
    if (p === accountRootArn(accountId) || p === accountId) return true;
    if (caller.kind === 'user') return p === caller.user.arn;
    return p === caller.role.arn;
  });
}

function conditionsHold(cond: TrustStatement['Condition'], context: Record<string, string | undefined>): boolean {
  if (cond === undefined) return true;
  for (const [operator, entries] of Object.entries(cond)) {
    for (const [rawKey, expected] of Object.entries(entries)) {
      const actual = context[rawKey.toLowerCase()];
      const wanted = typeof expected === 'string' ? [expected] : expected;
      if (actual === undefined) return false;
      if (operator === 'StringEquals') {
        if (!wanted.includes(actual)) return false;
      } else if (operator === 'StringLike') {
        if (!wanted.some((w) => wildcardToRegExp(w, false).test(actual))) return false;
      } else {
        return false; // unknown operators never hold
      }
    }
  }
  return true;
}

function wildcardToRegExp(pattern: string, ignoreCase = true): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
}

function makeUser(name: string, accountId: string, allowAssumeRole: boolean): RamUser {
  const arn = `acs:ram::${accountId}:user/${name}`;
  return { name, accountId, userId: numericId('2', arn, 16), arn, allowAssumeRole };
}

/** A stable numeric ID derived from a string (RAM user and role IDs are long digit strings). */
function numericId(first: string, seed: string, length: number): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  let digits = '';
  for (const ch of hex) {
    digits += (parseInt(ch, 16) % 10).toString();
    if (digits.length >= length - 1) break;
  }
  return first + digits;
}

function checkMaxSession(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > MAX_DURATION) {
    throw new Error(`MaxSessionDuration must be 3600..${MAX_DURATION} seconds`);
  }
}
