/**
 * RoleTray sandbox: a local STS emulator plus a demo world ("fake cloud").
 *
 * Pure Node (node:http, node:crypto). See main/sandbox/README.md for the demo world and the
 * error codes it answers with.
 */
import type { SandboxHandle } from './server';
import { DEMO_USER_SECRET, noPermSecret, type TrustPolicy } from './world';

export { startSandbox, type SandboxHandle, type SandboxOptions } from './server';
export type { FaultAction, FaultController, FaultKind, FaultSpec } from './faults';
export type { CallRecord, SandboxStats } from './stats';
export { SIGNIN_TOKEN_LIFETIME_MS } from './federation';
export { STS_VERSION } from './sts';
export {
  ACCOUNT_A,
  ACCOUNT_A_ALIAS,
  ACCOUNT_B,
  ACCOUNT_B_ALIAS,
  DEMO_USER_SECRET,
  DemoWorld,
  DISABLED_KEY_ID,
  disabledKeySecret,
  FORMER_PARTNER_ACCOUNT,
  NO_PERM_KEY_ID,
  NO_PERM_USER,
  noPermSecret,
  roleArn,
  TEST_USER,
  TEST_USER_KEY_ID,
  trustPolicyFor,
  VENDOR_EXTERNAL_ID,
  type Account,
  type AccessKey,
  type AddRoleInput,
  type DemoUserKey,
  type RamRole,
  type RamUser,
  type TrustPolicy,
  type TrustStatement,
} from './world';
export { callSts, type CallerKey, type StsCallOptions, type StsCallResult } from './client';
export * from './signature';

/**
 * Printable description of a running sandbox for `roletray sandbox`: endpoint, accounts, users
 * with AccessKey IDs, and roles. Secrets are shown only when they are the public demo default.
 */
export function describeWorld(handle: SandboxHandle): string {
  const w = handle.world;
  const alias = (id: string): string => w.getAccount(id)?.alias ?? id;
  const lines: string[] = [];
  lines.push(`RoleTray sandbox STS: ${handle.url}`);
  lines.push(`  STS endpoint for clients: 127.0.0.1:${handle.port} (protocol http)`);
  lines.push(`  Console sign-in stand-in: ${handle.url}/federation`);
  lines.push('');
  lines.push('Accounts:');
  for (const a of w.accounts) lines.push(`  ${a.id}  ${a.alias}`);
  lines.push('');
  lines.push('RAM users and AccessKeys:');
  for (const k of w.keys) {
    const user = w.getUser(k.userName, k.accountId);
    const notes: string[] = [];
    if (!k.active) notes.push('inactive');
    if (user && !user.allowAssumeRole) notes.push('no sts:AssumeRole');
    const secret = w.usesDemoSecret && isPublicDemoSecret(k.accessKeySecret) ? `  secret ${k.accessKeySecret}` : '';
    lines.push(`  ${k.userName}@${alias(k.accountId)}  AccessKeyId ${k.accessKeyId}${secret}${notes.length ? `  (${notes.join(', ')})` : ''}`);
  }
  if (!w.usesDemoSecret) lines.push('  (secrets were set by whoever started the sandbox and are not shown)');
  lines.push('');
  lines.push('Roles:');
  for (const r of w.roles) {
    lines.push(`  ${r.arn}`);
    lines.push(`      account ${alias(r.accountId)}, max session ${r.maxSessionDuration}s, trusts ${describeTrust(r.trustPolicy)}`);
  }
  return lines.join('\n');
}

function isPublicDemoSecret(secret: string): boolean {
  return secret === DEMO_USER_SECRET || secret === noPermSecret(DEMO_USER_SECRET) || secret.startsWith(`${DEMO_USER_SECRET}-`);
}

function describeTrust(policy: TrustPolicy): string {
  const parts: string[] = [];
  for (const st of policy.Statement) {
    if (st.Effect !== 'Allow') continue;
    const ram = st.Principal.RAM;
    const principals = ram === undefined ? [] : typeof ram === 'string' ? [ram] : ram;
    const ext = st.Condition?.['StringEquals']?.['sts:ExternalId'];
    parts.push(`${principals.join(', ') || '(nobody)'}${ext !== undefined ? ` with ExternalId ${typeof ext === 'string' ? ext : ext.join('|')}` : ''}`);
  }
  return parts.join('; ') || '(nobody)';
}
