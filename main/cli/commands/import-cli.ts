/**
 * `roletray import-cli [--scrub]`: move the long-lived secrets of AK-mode profiles from the aliyun
 * CLI config into the keychain as identities; --scrub then removes those profiles from the file.
 *
 * The removal goes through CliConfigFile.modify (RoleTray's lock, re-read, atomic write) and
 * removes a profile only if its AccessKey ID and secret are still the ones imported. If `current`
 * named a removed profile it is left as it is: which role to use instead is the user's choice.
 */
import type { Catalog, Site } from '../../core/common/model';
import { NAME_RE, REGION_RE } from '../../core/common/validate';
import type { CliProfile } from '../../core/cli-config';
import { RoleTrayError, asRoleTrayError, redact, registerSecret } from '../../core/errors';
import type { CliContext } from '../context';

interface Candidate {
  profile: string;
  accessKeyId: string;
  secret: string;
  region: string | undefined;
  site: Site | undefined;
}

type Outcome =
  | { kind: 'imported'; c: Candidate; identity: string; accountId: string | null; arn: string | null }
  | { kind: 'already'; c: Candidate; identity: string }
  | { kind: 'failed'; c: Candidate; error: RoleTrayError };

/** A profile holding a long-lived AccessKey pair: mode AK, or no mode with a key and nothing else (the CLI then guesses AK). */
export function isAkProfile(p: CliProfile): boolean {
  const str = (k: string): string => (typeof p[k] === 'string' ? (p[k] as string) : '');
  if (!str('access_key_id') || !str('access_key_secret')) return false;
  const mode = str('mode');
  if (mode === 'AK') return true;
  return mode === '' && !str('sts_token') && !str('ram_role_arn');
}

/** An identity name from a profile name: characters outside the allowed set become '-'. */
export function identityNameFor(profile: string): string {
  const cleaned = profile
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
  return NAME_RE.test(cleaned) ? cleaned : 'imported';
}

function uniqueName(base: string, cat: Catalog): string {
  const taken = new Set([...cat.identities.map((i) => i.name), ...cat.roles.map((r) => r.name)]);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const name = `${base.slice(0, 60)}-${n}`;
    if (!taken.has(name)) return name;
  }
}

export async function importCli(ctx: CliContext, opts: { scrub?: boolean; verify: boolean }): Promise<number> {
  const core = ctx.core();
  const m = core.manager;
  let cat = await m.catalog();
  const managed = new Set(cat.managedProfiles);
  const { doc, exists } = await core.cliConfig.read();
  const path = core.cliConfig.path;
  const candidates: Candidate[] = (doc.profiles ?? [])
    .filter((p) => !managed.has(p.name) && isAkProfile(p))
    .map((p) => {
      const region = typeof p['region_id'] === 'string' && REGION_RE.test(p['region_id']) ? p['region_id'] : undefined;
      const siteRaw = typeof p['site'] === 'string' ? p['site'].toLowerCase() : '';
      const site: Site | undefined = siteRaw === 'china' || siteRaw === 'cn' ? 'cn' : siteRaw === 'international' || siteRaw === 'intl' ? 'intl' : undefined;
      const c = { profile: p.name, accessKeyId: String(p['access_key_id']), secret: String(p['access_key_secret']), region, site };
      registerSecret(c.secret);
      return c;
    });
  if (!exists || candidates.length === 0) {
    if (ctx.json) ctx.printJson({ imported: [], already: [], failed: [], scrubbed: [], current: null });
    else ctx.out(`no AK-mode profile with a secret in ${path}: nothing to import\n`);
    return 0;
  }

  const outcomes: Outcome[] = [];
  for (const c of candidates) {
    const same = cat.identities.find((i) => !i.placeholder && i.accessKeyId === c.accessKeyId);
    if (same) {
      const stored = await m.secrets.get(same.name).catch(() => null);
      if (stored === c.secret) outcomes.push({ kind: 'already', c, identity: same.name });
      else
        outcomes.push({
          kind: 'failed',
          c,
          error: new RoleTrayError('conflict', `identity ${same.name} already has AccessKey ID ${c.accessKeyId} with a different secret`, {
            hint: `if the profile's key is the right one, run: roletray identity remove ${same.name}, then import again`,
          }),
        });
      continue;
    }
    const name = uniqueName(identityNameFor(c.profile), cat);
    try {
      const added = await m.addIdentity({ name, accessKeyId: c.accessKeyId, secret: c.secret, region: c.region, site: c.site, verify: opts.verify });
      outcomes.push({ kind: 'imported', c, identity: name, accountId: added.accountId ?? null, arn: added.arn ?? null });
    } catch (e) {
      outcomes.push({ kind: 'failed', c, error: asRoleTrayError(e) });
    }
    cat = await m.catalog();
  }

  let scrubbed: string[] = [];
  let current: string | undefined;
  if (opts.scrub) {
    const expected = new Map(outcomes.filter((o) => o.kind !== 'failed').map((o) => [o.c.profile, o.c]));
    const res = await core.cliConfig.modify((d) => {
      const profiles = Array.isArray(d.profiles) ? d.profiles : [];
      const removed: string[] = [];
      for (let k = profiles.length - 1; k >= 0; k--) {
        const p = profiles[k];
        const want = p ? expected.get(p.name) : undefined;
        if (p && want && p['access_key_id'] === want.accessKeyId && p['access_key_secret'] === want.secret) {
          profiles.splice(k, 1);
          removed.unshift(p.name);
        }
      }
      return { changed: removed.length > 0, removed, current: typeof d.current === 'string' ? d.current : undefined };
    });
    scrubbed = res.removed;
    current = res.current;
  }
  const dangling = current !== undefined && scrubbed.includes(current);

  if (ctx.json) {
    ctx.printJson({
      imported: outcomes.flatMap((o) => (o.kind === 'imported' ? [{ profile: o.c.profile, identity: o.identity, accountId: o.accountId, arn: o.arn }] : [])),
      already: outcomes.flatMap((o) => (o.kind === 'already' ? [{ profile: o.c.profile, identity: o.identity }] : [])),
      failed: outcomes.flatMap((o) => (o.kind === 'failed' ? [{ profile: o.c.profile, error: redact(o.error.oneLine()), stsCode: o.error.stsCode ?? null }] : [])),
      scrubbed,
      current: current === undefined ? null : { profile: current, dangling },
    });
  } else {
    for (const o of outcomes) {
      if (o.kind === 'imported') ctx.out(`imported profile ${o.c.profile} as identity ${o.identity}${o.arn ? ` (${o.arn})` : ' (not verified)'}\n`);
      else if (o.kind === 'already') ctx.out(`profile ${o.c.profile} is already identity ${o.identity}\n`);
    }
    if (opts.scrub) {
      if (scrubbed.length > 0) ctx.out(`removed profile(s) ${scrubbed.join(', ')} from ${path}: their secrets are now only in the keychain\n`);
      if (dangling) ctx.out(`\`current\` still names ${current}, which no longer exists: pick a role with: roletray switch <role>\n`);
    } else if (outcomes.some((o) => o.kind !== 'failed')) {
      ctx.out(`the plaintext secrets are still in ${path}: remove them with: roletray import-cli --scrub\n`);
    }
  }
  const failed = outcomes.filter((o): o is Extract<Outcome, { kind: 'failed' }> => o.kind === 'failed');
  for (const f of failed) process.stderr.write(`roletray: profile ${f.c.profile}: ${redact(f.error.oneLine())}\n`);
  return failed.length > 0 ? Math.max(...failed.map((f) => f.error.exitCode)) : 0;
}
