/**
 * `roletray assume|switch|status|refresh|stop`: live sessions over the core's SessionManager.
 */
import type { SessionView } from '../../core/common/model';
import { RoleTrayError, asRoleTrayError, redact } from '../../core/errors';
import type { SessionManager } from '../../core/session-manager';
import type { CliContext } from '../context';
import { findRole, forRole } from '../context';
import { isoSeconds } from '../credential-output';
import { formatLeft, table } from '../format';

/** The `status --json` shape (and of assume/switch/refresh). No secret in it. */
export interface StatusJson {
  role: string;
  profile: string;
  state: string;
  expiration: string | null;
  secondsLeft: number | null;
  current: boolean;
  assumedRoleArn: string | null;
  note?: string;
  error?: { message: string; hint: string; stsCode?: string | undefined; requestId?: string | undefined };
}

export function statusJson(v: SessionView, now: number): StatusJson {
  return {
    role: v.role,
    profile: v.profile,
    state: v.state,
    expiration: v.expiresAt === null ? null : isoSeconds(v.expiresAt),
    secondsLeft: v.expiresAt === null ? null : Math.max(0, Math.floor((v.expiresAt - now) / 1000)),
    current: v.current,
    assumedRoleArn: v.assumedRoleArn,
    ...(v.note ? { note: v.note } : {}),
    ...(v.error ? { error: { message: v.error.message, hint: v.error.hint, stsCode: v.error.stsCode, requestId: v.error.requestId } } : {}),
  };
}

function describe(v: SessionView, now: number): string {
  const left = v.expiresAt === null ? '' : ` until ${isoSeconds(v.expiresAt)} (${formatLeft(v.expiresAt - now)})`;
  return `profile ${v.profile}${left}${v.current ? ', current' : ''}`;
}

/**
 * Run a switch, and if `current` could not be set because the profile vanished in between (another
 * program rewrote config.json from an older read, without RoleTray's lock), write it again and retry.
 */
async function switchRetrying(m: SessionManager, name: string, first: () => Promise<SessionView>): Promise<SessionView> {
  let attempt: () => Promise<SessionView> = first;
  for (let tries = 0; ; tries++) {
    try {
      return await forRole(name, attempt);
    } catch (e) {
      const vanished = e instanceof RoleTrayError && e.code === 'not-found' && e.message.includes('does not exist in the aliyun CLI config');
      if (!vanished || tries >= 3) throw e;
      attempt = () => m.assume(name, { force: true, switch: true });
    }
  }
}

export async function assume(ctx: CliContext, name: string, opts: { switch?: boolean }): Promise<void> {
  const m = ctx.core().manager;
  const run = (): Promise<SessionView> => m.assume(name, { force: true, switch: opts.switch === true });
  const v = opts.switch ? await switchRetrying(m, name, run) : await forRole(name, run);
  const now = m.clock.now();
  if (ctx.json) {
    ctx.printJson(statusJson(v, now));
    return;
  }
  ctx.out(`assumed ${name} as ${v.assumedRoleArn ?? '?'}: ${describe(v, now)}\n`);
  if (v.note) ctx.note(`note: ${v.note}`);
  if (!opts.switch && !v.current) ctx.note(`use it with: aliyun --profile ${v.profile} ...   or make it current: roletray switch ${name}`);
}

export async function switchTo(ctx: CliContext, name: string): Promise<void> {
  const m = ctx.core().manager;
  const cat = await m.catalog();
  const role = findRole(cat, name);
  // A cached session whose profile someone deleted from the file is assumed again, so that
  // `current` never points at a missing profile.
  const { doc } = await m.cliConfig.read();
  const present = (doc.profiles ?? []).some((p) => p.name === role.profile);
  const v = await switchRetrying(m, name, present ? () => m.switchTo(name) : () => m.assume(name, { force: true, switch: true }));
  const now = m.clock.now();
  if (ctx.json) {
    ctx.printJson(statusJson(v, now));
    return;
  }
  ctx.out(`switched the aliyun CLI to ${name}: ${describe(v, now)}\n`);
}

export async function status(ctx: CliContext): Promise<void> {
  const m = ctx.core().manager;
  const views = await m.status();
  const now = m.clock.now();
  if (ctx.json) {
    ctx.printJson(views.map((v) => statusJson(v, now)));
    return;
  }
  if (views.length === 0) {
    ctx.out('no roles yet: roletray role add <name> --arn <arn> --source <identity>\n');
    return;
  }
  ctx.out(
    table(
      ['ROLE', 'PROFILE', 'STATE', 'LEFT', 'EXPIRES (UTC)', 'CURRENT'],
      views.map((v) => [
        v.role,
        v.profile,
        v.state,
        v.expiresAt === null ? '-' : formatLeft(v.expiresAt - now),
        v.expiresAt === null ? '-' : isoSeconds(v.expiresAt),
        v.current ? '*' : '',
      ]),
    ),
  );
  for (const v of views) if (v.error) ctx.out(`${v.role}: ${v.error.message}${v.error.stsCode ? ` (${v.error.stsCode})` : ''}: ${v.error.hint}\n`);
}

export async function refresh(ctx: CliContext, name: string | undefined): Promise<number> {
  const m = ctx.core().manager;
  if (name !== undefined) {
    const v = await forRole(name, () => m.assume(name, { force: true }));
    const now = m.clock.now();
    if (ctx.json) ctx.printJson([{ ...statusJson(v, now), refreshed: true }]);
    else ctx.out(`refreshed ${name}: ${describe(v, now)}\n`);
    return 0;
  }
  const cat = await m.catalog();
  const leadMs = cat.settings.refreshLeadSeconds * 1000;
  const views = await m.status();
  const now = m.clock.now();
  const due = views.filter((v) => v.expiresAt !== null && v.state !== 'stopped' && v.expiresAt - now < leadMs);
  const results: { role: string; view?: SessionView; error?: RoleTrayError }[] = [];
  // Different roles refresh in parallel; their profile writes coalesce into one.
  await Promise.all(
    due.map(async (v) => {
      try {
        await forRole(v.role, () => m.credentials(v.role));
        results.push({ role: v.role, view: await m.view(v.role) });
      } catch (e) {
        results.push({ role: v.role, error: asRoleTrayError(e) });
      }
    }),
  );
  results.sort((a, b) => a.role.localeCompare(b.role));
  const after = m.clock.now();
  if (ctx.json) {
    ctx.printJson(
      results.map((r) =>
        r.view ? { ...statusJson(r.view, after), refreshed: true } : { role: r.role, refreshed: false, error: { message: r.error!.message, hint: r.error!.hint, stsCode: r.error!.stsCode, requestId: r.error!.requestId } },
      ),
    );
  } else if (results.length === 0) {
    ctx.out(`nothing to refresh: no session has less than ${Math.round(leadMs / 60_000)}m left\n`);
  } else {
    for (const r of results) if (r.view) ctx.out(`refreshed ${r.role}: ${describe(r.view, after)}\n`);
  }
  const failed = results.filter((r) => r.error);
  for (const r of failed) process.stderr.write(`roletray: ${redact(r.error!.oneLine())}\n`);
  return failed.length > 0 ? Math.max(...failed.map((r) => r.error!.exitCode)) : 0;
}

export async function stop(ctx: CliContext, name: string): Promise<void> {
  const m = ctx.core().manager;
  const cat = await m.catalog();
  const role = findRole(cat, name);
  await m.stop(name);
  if (ctx.json) ctx.printJson({ role: name, profile: role.profile, stopped: true });
  else ctx.out(`stopped ${name}; profile ${role.profile} removed from the aliyun CLI config\n`);
}
