/**
 * `roletray identity add|list|remove`: RAM users' AccessKeys. The secret goes to the keychain
 * (never a flag, never printed); the catalog holds the metadata.
 */
import { checkAccessKeyId, checkName, checkRegion, checkStsEndpoint } from '../../core/common/validate';
import { invalid } from '../../core/errors';
import type { CliContext } from '../context';
import { table } from '../format';
import type { IdentityAddOpts } from '../program';
import { readSecret } from '../secret-input';

export async function add(ctx: CliContext, name: string, opts: IdentityAddOpts): Promise<void> {
  // Check what we can before asking for the secret.
  for (const reason of [
    checkName('identity', name),
    checkAccessKeyId(opts.accessKeyId),
    opts.region !== undefined ? checkRegion(opts.region) : null,
    opts.stsEndpoint !== undefined ? checkStsEndpoint(opts.stsEndpoint) : null,
  ]) {
    if (reason) throw invalid(reason);
  }
  const secret = await readSecret(`AccessKey secret for ${name} (${opts.accessKeyId}): `);
  const added = await ctx.core().manager.addIdentity({
    name,
    accessKeyId: opts.accessKeyId,
    secret,
    site: opts.site,
    region: opts.region,
    stsEndpoint: opts.stsEndpoint,
    verify: opts.verify,
    replace: opts.replace === true,
  });
  if (ctx.json) {
    ctx.printJson({
      name: added.name,
      accountId: added.accountId ?? null,
      arn: added.arn ?? null,
      accessKeyId: added.accessKeyId,
      site: added.site,
      region: added.region,
      verified: added.verified !== null,
    });
    return;
  }
  if (added.verified) {
    ctx.out(`identity ${added.name} added: account ${added.verified.accountId}, ${added.verified.arn}\n`);
  } else {
    ctx.out(`identity ${added.name} added (not verified: --no-verify)\n`);
  }
  ctx.note('its secret is in the OS keychain; add a role next: roletray role add <name> --arn <arn> --source ' + added.name);
}

export async function list(ctx: CliContext): Promise<void> {
  const m = ctx.core().manager;
  const cat = await m.catalog();
  // One lookup per identity (not a listing of the whole service, which some keyrings cannot do
  // while locked); a keychain error shows as unknown instead of failing the whole list.
  const stored = new Map<string, boolean | null>();
  for (const i of cat.identities) {
    if (i.placeholder) continue;
    stored.set(i.name, await m.secrets.get(i.name).then((v) => v !== null, () => null));
  }
  const rows = cat.identities.map((i) => ({
    name: i.name,
    accessKeyId: i.placeholder ? null : i.accessKeyId,
    site: i.site,
    region: i.region,
    stsEndpoint: i.stsEndpoint ?? null,
    accountId: i.accountId ?? null,
    arn: i.arn ?? null,
    placeholder: i.placeholder ?? false,
    /** null: the keychain could not be asked (locked or unavailable). */
    hasSecret: i.placeholder ? false : (stored.get(i.name) ?? null),
  }));
  if (ctx.json) {
    ctx.printJson(rows);
    return;
  }
  if (rows.length === 0) {
    ctx.out('no identities yet: roletray identity add <name> --access-key-id <id>\n');
    return;
  }
  ctx.out(
    table(
      ['NAME', 'ACCESS KEY ID', 'SITE', 'REGION', 'ACCOUNT', 'KEY'],
      rows.map((r) => [
        r.name,
        r.accessKeyId ?? '-',
        r.site,
        r.region,
        r.accountId ?? '-',
        r.placeholder ? `needs a key: roletray identity add ${r.name} --access-key-id <id>` : r.hasSecret === null ? 'unknown (keychain unavailable)' : r.hasSecret ? 'in keychain' : 'MISSING from keychain',
      ]),
    ),
  );
}

export async function remove(ctx: CliContext, name: string): Promise<void> {
  await ctx.core().manager.removeIdentity(name);
  if (ctx.json) ctx.printJson({ name, removed: true });
  else ctx.out(`identity ${name} removed; its keychain entry was deleted\n`);
}
