/**
 * `roletray role add|list|remove`: the RAM roles to assume. Everything is validated before any
 * network call (the core's validateRole); add makes no STS call at all.
 */
import { readFile } from 'node:fs/promises';
import { parseRoleArn } from '../../core/common/validate';
import { invalid } from '../../core/errors';
import type { CliContext } from '../context';
import { table } from '../format';
import type { RoleAddOpts } from '../program';

export async function add(ctx: CliContext, name: string, opts: RoleAddOpts): Promise<void> {
  let policy: string | undefined;
  if (opts.policyFile !== undefined) {
    try {
      policy = (await readFile(opts.policyFile, 'utf8')).trim();
    } catch (e) {
      throw invalid(`cannot read the policy file ${opts.policyFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'pass a readable JSON file with --policy-file');
    }
  }
  const role = await ctx.core().manager.addRole({
    name,
    arn: opts.arn,
    source: opts.source,
    profile: opts.profile,
    region: opts.region,
    durationSeconds: opts.duration,
    sessionName: opts.sessionName,
    externalId: opts.externalId,
    policy,
  });
  if (ctx.json) {
    ctx.printJson({ ...role, accountId: parseRoleArn(role.arn)?.accountId ?? null });
    return;
  }
  ctx.out(`role ${role.name} added: ${role.arn} from ${role.source}, profile ${role.profile}, ${role.durationSeconds}s sessions\n`);
  ctx.note(`assume it with: roletray assume ${role.name} --switch`);
}

export async function list(ctx: CliContext): Promise<void> {
  const cat = await ctx.core().manager.catalog();
  if (ctx.json) {
    ctx.printJson(cat.roles.map((r) => ({ ...r, accountId: parseRoleArn(r.arn)?.accountId ?? null })));
    return;
  }
  if (cat.roles.length === 0) {
    ctx.out('no roles yet: roletray role add <name> --arn <arn> --source <identity>\n');
    return;
  }
  ctx.out(
    table(
      ['NAME', 'ARN', 'SOURCE', 'PROFILE', 'DURATION', 'REGION', 'OPTIONS'],
      cat.roles.map((r) => [
        r.name,
        r.arn,
        r.source,
        r.profile,
        `${r.durationSeconds}s`,
        r.region ?? '-',
        [r.externalId !== undefined ? 'external-id' : '', r.policy !== undefined ? 'policy' : '', r.sessionName !== undefined ? `session ${r.sessionName}` : '', r.chainedDurationCapped ? 'capped 1h' : '']
          .filter(Boolean)
          .join(', ') || '-',
      ]),
    ),
  );
}

export async function remove(ctx: CliContext, name: string): Promise<void> {
  const m = ctx.core().manager;
  const cat = await m.catalog();
  const profile = cat.roles.find((r) => r.name === name)?.profile;
  await m.removeRole(name);
  if (ctx.json) ctx.printJson({ name, removed: true });
  else ctx.out(`role ${name} removed (session stopped${profile ? `, profile ${profile} removed` : ''})\n`);
}
