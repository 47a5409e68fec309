/**
 * The backend of the IPC contract, in pure Node: validates every request with a schema, calls the
 * core, and answers Results. main/app forwards ipcMain to it; browser tests forward a Playwright
 * binding to it. No response ever carries a long-lived secret or STS credentials.
 */
import { z } from 'zod';
import type { AppSnapshot, Channel, IdentityView, InvokeMap, Result, RoleView } from '../../preload/contract';
import { CHANNELS } from '../../preload/contract';
import { sourceChain } from './common/chain';
import type { ErrorView, Settings } from './common/model';
import { parseRoleArn } from './common/validate';
import { envExports } from './env-export';
import { RoleTrayError, asRoleTrayError, redact } from './errors';
import type { Core } from './index';
import { consoleSigninUrl } from './signin';

export interface BackendHooks {
  openExternal(url: string): Promise<void>;
  writeClipboard(text: string): Promise<void>;
  startSandbox?(): Promise<{ url: string }>;
}

export interface ApiBackend {
  invoke(channel: Channel, args: unknown[]): Promise<unknown>;
  snapshot(): Promise<AppSnapshot>;
  onSnapshot(cb: (s: AppSnapshot) => void): () => void;
  dispose(): void;
}

const name = z.string().min(1).max(64);
const identityInput = z
  .object({
    name,
    accessKeyId: z.string().min(1).max(128),
    secret: z.string().min(1).max(256),
    site: z.enum(['cn', 'intl']),
    region: z.string().min(1).max(64),
    stsEndpoint: z.string().max(256).optional(),
    replace: z.boolean().optional(),
  })
  .strict();
const roleInput = z
  .object({
    name,
    arn: z.string().min(1).max(256),
    source: name,
    profile: z.string().max(128).optional(),
    region: z.string().max(64).optional(),
    durationSeconds: z.number().int().optional(),
    sessionName: z.string().max(128).optional(),
    externalId: z.string().max(1224).optional(),
    policy: z.string().max(4096).optional(),
    accountAlias: z.string().max(64).optional(),
  })
  .strict();
const settingsPatch = z
  .object({
    refreshLeadSeconds: z.number().int(),
    defaultRegion: z.string().max(64),
    site: z.enum(['cn', 'intl']),
    notifications: z.boolean(),
    launchAtLogin: z.boolean(),
    theme: z.enum(['system', 'light', 'dark']),
  })
  .partial()
  .strict();

/** Argument schemas per channel (tuples). */
export const REQUEST_SCHEMAS: { [K in Channel]: z.ZodType<Parameters<InvokeMap[K]>> } = {
  'roletray:get-snapshot': z.tuple([]),
  'roletray:add-identity': z.tuple([identityInput]),
  'roletray:remove-identity': z.tuple([name]),
  'roletray:add-role': z.tuple([roleInput]),
  'roletray:update-role': z.tuple([name, roleInput]),
  'roletray:remove-role': z.tuple([name]),
  'roletray:switch-role': z.tuple([name]),
  'roletray:refresh-role': z.tuple([name]),
  'roletray:stop-role': z.tuple([name]),
  'roletray:open-console': z.tuple([name]),
  'roletray:copy-env': z.tuple([name]),
  'roletray:update-settings': z.tuple([settingsPatch]),
  'roletray:start-sandbox': z.tuple([]),
} as never;

function fail(e: unknown): { ok: false; error: ErrorView } {
  const err = asRoleTrayError(e);
  const v = err.toView();
  return { ok: false, error: { ...v, message: redact(v.message), hint: redact(v.hint) } };
}

async function result<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return fail(e);
  }
}

export function createApiBackend(core: Core, hooks: BackendHooks): ApiBackend {
  const m = core.manager;
  const listeners = new Set<(s: AppSnapshot) => void>();
  let sandboxUrl: string | null = null;
  let pushTimer: ReturnType<typeof setTimeout> | null = null;

  // Coalesce change bursts into one push; a change during a snapshot's computation schedules
  // another push, so the last state always reaches the renderer.
  let dirty = false;
  let computing = false;
  const schedulePush = (): void => {
    dirty = true;
    if (pushTimer || computing || listeners.size === 0) return;
    pushTimer = setTimeout(() => {
      pushTimer = null;
      dirty = false;
      computing = true;
      void snapshot()
        .then(
          (s) => listeners.forEach((cb) => cb(s)),
          () => undefined,
        )
        .finally(() => {
          computing = false;
          if (dirty) schedulePush();
        });
    }, 16);
  };
  m.on('change', schedulePush);

  async function snapshot(): Promise<AppSnapshot> {
    const problems: ErrorView[] = [];
    const cat = await m.catalog().catch((e: unknown) => {
      problems.push(asRoleTrayError(e).toView());
      return null;
    });
    let currentProfile: string | null = null;
    let foreignProfiles: string[] = [];
    try {
      const { doc } = await core.cliConfig.read();
      // a `current` that names no profile (e.g. no config file yet) is no current profile
      currentProfile = doc.current && (doc.profiles ?? []).some((p) => p.name === doc.current) ? doc.current : null;
      const managed = new Set(cat?.managedProfiles ?? []);
      foreignProfiles = (doc.profiles ?? []).map((p) => p.name).filter((n) => !managed.has(n));
    } catch (e) {
      problems.push(asRoleTrayError(e).toView());
    }
    let sessions: AppSnapshot['sessions'] = [];
    if (cat) {
      try {
        sessions = await m.status(currentProfile, cat);
      } catch (e) {
        problems.push(asRoleTrayError(e).toView());
      }
    }
    const identities: IdentityView[] = (cat?.identities ?? []).map((i) => ({
      name: i.name,
      accessKeyId: i.accessKeyId,
      site: i.site,
      region: i.region,
      stsEndpoint: i.stsEndpoint ?? null,
      accountId: i.accountId ?? null,
      arn: i.arn ?? null,
      placeholder: i.placeholder ?? false,
    }));
    const roles: RoleView[] = (cat?.roles ?? []).map((r) => {
      const acct = parseRoleArn(r.arn)?.accountId ?? 'unknown';
      const { chain } = sourceChain(cat ?? { identities: [], roles: [] }, r.name);
      return { ...r, policy: r.policy, accountId: acct, accountLabel: r.accountAlias ?? acct, chain };
    });
    return {
      identities,
      roles,
      sessions,
      settings: cat?.settings ?? ((await import('./common/model')).DEFAULT_SETTINGS as Settings),
      currentProfile,
      foreignProfiles,
      activity: m.recentActivity().map((a) => ({ at: a.at, kind: a.kind, role: a.role ?? null, message: redact(a.message) })),
      sandbox: { running: sandboxUrl !== null, url: sandboxUrl },
      problems,
      platform: process.platform,
    };
  }

  const handlers: { [K in Channel]: (...args: Parameters<InvokeMap[K]>) => Promise<ReturnType<InvokeMap[K]>> } = {
    'roletray:get-snapshot': () => snapshot(),
    'roletray:add-identity': (input) =>
      result(async () => {
        const added = await m.addIdentity({ ...input, verify: true, replace: input.replace ?? false });
        return { accountId: added.accountId ?? null, arn: added.arn ?? null };
      }),
    'roletray:remove-identity': (n) => result(async () => (await m.removeIdentity(n), null)),
    'roletray:add-role': (input) => result(async () => (await m.addRole(input), null)),
    'roletray:update-role': (old, input) => result(async () => (await m.updateRole(old, input), null)),
    'roletray:remove-role': (n) => result(async () => (await m.removeRole(n), null)),
    'roletray:switch-role': (n) => result(() => m.switchTo(n)),
    'roletray:refresh-role': (n) => result(() => m.assume(n, { force: true })),
    'roletray:stop-role': (n) => result(async () => (await m.stop(n), null)),
    'roletray:open-console': (n) =>
      result(async () => {
        const url = await consoleSigninUrl(m, n, undefined, core.env);
        await hooks.openExternal(url);
        return null;
      }),
    'roletray:copy-env': (n) =>
      result(async () => {
        const creds = await m.credentials(n);
        const cat = await m.catalog();
        const role = cat.roles.find((r) => r.name === n);
        await hooks.writeClipboard(envExports(creds, role?.region ?? cat.settings.defaultRegion, 'posix'));
        return null;
      }),
    'roletray:update-settings': (patch) => result(() => m.updateSettings(patch as Partial<Settings>)),
    'roletray:start-sandbox': () =>
      result(async () => {
        if (!hooks.startSandbox) throw new RoleTrayError('invalid-input', 'the sandbox cannot be started from here');
        sandboxUrl = (await hooks.startSandbox()).url;
        schedulePush();
        return null;
      }),
  };

  return {
    async invoke(channel, args) {
      if (!(CHANNELS as readonly string[]).includes(channel)) {
        return { ok: false, error: new RoleTrayError('invalid-input', `unknown request ${String(channel).slice(0, 64)}`).toView() };
      }
      const parsed = REQUEST_SCHEMAS[channel].safeParse(args);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue?.path.join('.') || 'arguments';
        const err = new RoleTrayError('invalid-input', `invalid request ${channel}: ${where}: ${issue?.message ?? 'bad value'}`);
        if (channel === 'roletray:get-snapshot') throw err;
        return fail(err);
      }
      const h = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
      const out = await h(...(parsed.data as unknown[]));
      if (channel !== 'roletray:get-snapshot') schedulePush();
      return out;
    },
    snapshot,
    onSnapshot(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    dispose() {
      m.off('change', schedulePush);
      if (pushTimer) clearTimeout(pushTimer);
      listeners.clear();
    },
  };
}
