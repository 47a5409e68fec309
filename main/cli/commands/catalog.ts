/**
 * `roletray catalog export|import`: share the role catalogue within a team.
 *
 * The shared file never holds a secret, an STS credential or an AccessKey ID (which identifies a
 * user): identities become named placeholders with only name, site and region. Import validates
 * the whole file (zod) and merges under the catalog lock; any problem exits 2 with nothing changed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Catalog, Identity, Role } from '../../core/common/model';
import { EXTERNAL_ID_RE, MAX_DURATION, MIN_DURATION, NAME_RE, PROFILE_RE, REGION_RE, ROLE_ARN_RE, SESSION_NAME_RE } from '../../core/common/validate';
import { RoleTrayError, invalid } from '../../core/errors';
import type { RoleInput, SessionManager } from '../../core/session-manager';
import type { CliContext } from '../context';

export const SHARED_FORMAT = 'roletray-catalog';
/** accessKeyId of a placeholder identity: it has no key in this keychain yet. */
export const PLACEHOLDER_ACCESS_KEY_ID = 'PLACEHOLDER';

const sharedIdentity = z.object({
  name: z.string().regex(NAME_RE, 'not a valid identity name'),
  site: z.enum(['cn', 'intl']),
  region: z.string().regex(REGION_RE, 'not a region ID'),
});

const sharedRole = z.object({
  name: z.string().regex(NAME_RE, 'not a valid role name'),
  arn: z.string().regex(ROLE_ARN_RE, 'not a RAM role ARN (acs:ram::<account ID>:role/<name>)'),
  source: z.string().regex(NAME_RE, 'not a valid identity or role name'),
  profile: z.string().regex(PROFILE_RE, 'not a valid profile name').optional(),
  region: z.string().regex(REGION_RE, 'not a region ID').optional(),
  durationSeconds: z.number().int().min(MIN_DURATION).max(MAX_DURATION).optional(),
  sessionName: z.string().regex(SESSION_NAME_RE, 'not a valid session name').optional(),
  externalId: z.string().regex(EXTERNAL_ID_RE, 'not a valid ExternalId').optional(),
  policy: z.string().min(1).max(2048).optional(),
  accountAlias: z.string().max(64).optional(),
});

const sharedCatalog = z
  .object({
    format: z.literal(SHARED_FORMAT),
    version: z.literal(1),
    identities: z.array(sharedIdentity).default([]),
    roles: z.array(sharedRole).default([]),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    for (const [kind, list] of [['identities', c.identities], ['roles', c.roles]] as const) {
      list.forEach((item, i) => {
        if (seen.has(item.name)) ctx.addIssue({ code: 'custom', path: [kind, i, 'name'], message: `the name "${item.name}" appears twice` });
        seen.add(item.name);
      });
    }
  });

export type SharedCatalog = z.infer<typeof sharedCatalog>;
type SharedRole = z.infer<typeof sharedRole>;

/** The shareable form of a catalog: no secret, no AccessKey ID, no STS credential, no local state. */
export function toShared(cat: Catalog): SharedCatalog {
  return {
    format: SHARED_FORMAT,
    version: 1,
    identities: cat.identities.map((i) => ({ name: i.name, site: i.site, region: i.region })),
    roles: cat.roles.map((r) => ({
      name: r.name,
      arn: r.arn,
      source: r.source,
      profile: r.profile,
      ...(r.region !== undefined ? { region: r.region } : {}),
      durationSeconds: r.durationSeconds,
      ...(r.sessionName !== undefined ? { sessionName: r.sessionName } : {}),
      ...(r.externalId !== undefined ? { externalId: r.externalId } : {}),
      ...(r.policy !== undefined ? { policy: r.policy } : {}),
      ...(r.accountAlias !== undefined ? { accountAlias: r.accountAlias } : {}),
    })),
  };
}

export async function exportCatalog(ctx: CliContext, file: string | undefined): Promise<void> {
  const cat = await ctx.core().manager.catalog();
  const text = `${JSON.stringify(toShared(cat), null, 2)}\n`;
  if (file === undefined) {
    ctx.out(text);
    return;
  }
  try {
    await writeFile(file, text);
  } catch (e) {
    throw new RoleTrayError('io', `cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { hint: 'pick a writable path' });
  }
  ctx.note(`wrote ${cat.roles.length} role(s) and ${cat.identities.length} identity placeholder(s) to ${file} (no keys, no secrets)`);
}

/** Read and validate a shared file; throws 'invalid-input' naming the first problem. */
export async function readShared(file: string): Promise<SharedCatalog> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw invalid(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'pass a file written by: roletray catalog export <file>');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw invalid(`${file} is not valid JSON; nothing was imported`, 'pass a file written by: roletray catalog export <file>');
  }
  const parsed = sharedCatalog.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    throw invalid(`${file} is not a RoleTray catalogue: at ${where}: ${issue?.message ?? 'invalid'}; nothing was imported`, 'pass a file written by: roletray catalog export <file>');
  }
  return parsed.data;
}

export interface MergePlan {
  addedIdentities: string[];
  keptIdentities: string[];
  addedRoles: string[];
  replacedRoles: string[];
  keptRoles: string[];
  unchangedRoles: string[];
  /** Local roles replaced with a different ARN or profile: their sessions are stopped first. */
  toStop: string[];
}

function roleInput(r: SharedRole): RoleInput {
  return {
    name: r.name,
    arn: r.arn,
    source: r.source,
    profile: r.profile,
    region: r.region,
    durationSeconds: r.durationSeconds,
    sessionName: r.sessionName,
    externalId: r.externalId,
    policy: r.policy,
    accountAlias: r.accountAlias,
  };
}

function sameRole(a: Role, b: Role): boolean {
  const keys = ['arn', 'source', 'profile', 'region', 'durationSeconds', 'sessionName', 'externalId', 'policy', 'accountAlias'] as const;
  return keys.every((k) => a[k] === b[k]);
}

/** Merge a shared catalogue into `cat` (mutating it). Throws (and the caller writes nothing) on any conflict. */
export function mergeShared(cat: Catalog, shared: SharedCatalog, replace: boolean, manager: SessionManager): MergePlan {
  const plan: MergePlan = { addedIdentities: [], keptIdentities: [], addedRoles: [], replacedRoles: [], keptRoles: [], unchangedRoles: [], toStop: [] };
  for (const id of shared.identities) {
    if (cat.identities.some((i) => i.name === id.name)) {
      plan.keptIdentities.push(id.name);
      continue;
    }
    if (cat.roles.some((r) => r.name === id.name)) {
      throw new RoleTrayError('conflict', `the shared identity "${id.name}" has the name of a local role; nothing was imported`, { hint: 'rename one of them' });
    }
    const placeholder: Identity = { name: id.name, accessKeyId: PLACEHOLDER_ACCESS_KEY_ID, site: id.site, region: id.region, placeholder: true };
    cat.identities.push(placeholder);
    plan.addedIdentities.push(id.name);
  }
  // Roles in source order, so a chained role follows the role it is assumed from.
  let pending = [...shared.roles];
  const exists = (name: string): boolean => cat.identities.some((i) => i.name === name) || cat.roles.some((r) => r.name === name);
  while (pending.length > 0) {
    const next = pending.filter((r) => exists(r.source));
    if (next.length === 0) {
      const r = pending[0]!;
      throw invalid(`the shared role "${r.name}" has source "${r.source}", which is neither in the file nor a local identity or role; nothing was imported`);
    }
    for (const r of next) {
      const input = roleInput(r);
      const local = cat.roles.find((x) => x.name === r.name);
      if (local) {
        const candidate = manager.validateRole(input, cat, r.name);
        if (sameRole(local, candidate)) plan.unchangedRoles.push(r.name);
        else if (!replace) plan.keptRoles.push(r.name);
        else {
          cat.roles = cat.roles.map((x) => (x.name === r.name ? candidate : x));
          if (local.profile !== candidate.profile || local.arn !== candidate.arn) plan.toStop.push(r.name);
          if (local.profile !== candidate.profile) {
            cat.managedProfiles = cat.managedProfiles.filter((p) => p !== local.profile);
            delete cat.previousCurrent[local.profile];
          }
          plan.replacedRoles.push(r.name);
        }
      } else {
        cat.roles.push(manager.validateRole(input, cat));
        plan.addedRoles.push(r.name);
      }
    }
    pending = pending.filter((r) => !next.includes(r));
  }
  return plan;
}

export async function importCatalog(ctx: CliContext, file: string, opts: { replace?: boolean }): Promise<void> {
  const shared = await readShared(file);
  const m = ctx.core().manager;
  const replace = opts.replace === true;
  // Dry run first: every conflict is reported before anything changes.
  const dry = mergeShared(structuredClone(await m.catalog()), shared, replace, m);
  for (const name of dry.toStop) await m.stop(name);
  const { catalog, result: plan } = await m.catalogStore.update((cat) => mergeShared(cat, shared, replace, m));
  const needsKey = catalog.identities
    .filter((i) => i.placeholder)
    .map((i) => ({
      name: i.name,
      usedBy: catalog.roles.filter((r) => r.source === i.name).map((r) => r.name),
      command: `roletray identity add ${i.name} --access-key-id <your AccessKey ID> --site ${i.site} --region ${i.region}`,
    }));
  if (ctx.json) {
    ctx.printJson({ ...plan, toStop: undefined, stopped: plan.toStop, needsKey });
    return;
  }
  const line = (label: string, names: string[]): void => {
    if (names.length > 0) ctx.out(`${label}: ${names.join(', ')}\n`);
  };
  line('added roles', plan.addedRoles);
  line('replaced roles', plan.replacedRoles);
  line('unchanged roles', plan.unchangedRoles);
  line('kept local roles (use --replace to take the shared ones)', plan.keptRoles);
  line('added identity placeholders', plan.addedIdentities);
  if (needsKey.length > 0) {
    ctx.out('these identities need a key before their roles can be used:\n');
    for (const n of needsKey) ctx.out(`  ${n.command}${n.usedBy.length > 0 ? `   # for ${n.usedBy.join(', ')}` : ''}\n`);
  }
}
