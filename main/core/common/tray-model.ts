/**
 * The tray menu as data: `buildTrayModel(state, now)` turns the app state into a plain menu
 * template, tooltip, macOS title and icon state. main/app maps it onto Electron's Menu; the
 * renderer could show the same model. Environment-neutral: no node, no DOM, no electron.
 */
import type { ErrorView, SessionView, Settings } from './model';

const MINUTE_MS = 60_000;
/** Windows truncates tray tooltips at 127 characters. */
const TOOLTIP_MAX = 127;
const DETAIL_MAX = 80;

/** The part of the app snapshot the tray needs (AppSnapshot of preload/contract.ts satisfies it). */
export interface TrayState {
  identities: ReadonlyArray<{ name: string }>;
  roles: ReadonlyArray<{ name: string; profile: string; accountId: string; accountLabel: string }>;
  sessions: ReadonlyArray<SessionView>;
  settings: Pick<Settings, 'launchAtLogin'>;
  /** `current` of the aliyun CLI config. */
  currentProfile: string | null;
  /** Profiles of the CLI config RoleTray does not manage; when given, a `current` naming none of them or of our roles counts as none. */
  foreignProfiles?: ReadonlyArray<string> | undefined;
  sandbox: { running: boolean; url: string | null };
  problems: ReadonlyArray<ErrorView>;
}

/** What a click on a tray item asks main to do. */
export type TrayAction =
  | { kind: 'switch' | 'open-console' | 'copy-env' | 'refresh' | 'stop'; role: string }
  | { kind: 'open-window' }
  | { kind: 'start-sandbox' }
  | { kind: 'set-launch-at-login'; enabled: boolean }
  | { kind: 'quit' };

export type TrayItemType = 'normal' | 'separator' | 'submenu' | 'checkbox';

/** One menu entry: a minimal template of our own, not Electron's MenuItemConstructorOptions. */
export interface TrayItem {
  /** Stable id, unique in the whole menu (e.g. "role:fc-admin:switch"). */
  id: string;
  type: TrayItemType;
  label?: string;
  enabled?: boolean;
  /** For 'checkbox' items, and on 'submenu' role items to mark the current role (the label carries "✓ "). */
  checked?: boolean;
  submenu?: TrayItem[];
  action?: TrayAction;
}

export type TrayIconState = 'normal' | 'expiring' | 'error';

export interface TrayModel {
  items: TrayItem[];
  tooltip: string;
  /** Short text next to the macOS menu-bar icon ('' for none). */
  title: string;
  icon: TrayIconState;
}

/**
 * Remaining time at minute resolution: "2h 05m", "42m", "<1m", "expired".
 *
 * Counts whole minutes still ahead (a session with 42 min 30 s left shows "42m"), so the label
 * never promises more time than is left, and changes exactly at the instants nextTrayUpdate returns.
 */
export function formatMinutesLeft(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  if (ms <= 0) return 'expired';
  const minutes = Math.ceil(ms / MINUTE_MS) - 1;
  if (minutes < 1) return '<1m';
  if (minutes < 60) return `${minutes}m`;
  const m = minutes % 60;
  return `${Math.floor(minutes / 60)}h ${m < 10 ? '0' : ''}${m}m`;
}

/** A session that holds credentials (possibly expired) and has not been stopped. */
function isLive(s: SessionView | undefined): s is SessionView & { expiresAt: number } {
  return s !== undefined && s.expiresAt !== null && s.state !== 'stopped';
}

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * Label of a role's item: check mark when its profile is current, a state mark, and the time left.
 *
 * "✓ fc-admin — 42m", "↻ fc-admin — 42m" (refreshing), "⚠ fc-admin — 3m" (expiring),
 * "⚠ fc-admin — expired", "✕ fc-admin — error", "fc-admin" (no session).
 */
export function roleLabel(name: string, session: SessionView | undefined, current: boolean, now: number): string {
  const check = current ? '✓ ' : '';
  if (session?.state === 'error') return `${check}✕ ${name} — error`;
  if (!isLive(session)) return `${check}${name}`;
  const left = session.expiresAt - now;
  if (left <= 0 || session.state === 'expired') return `${check}⚠ ${name} — expired`;
  const time = formatMinutesLeft(left);
  if (session.state === 'refreshing') return `${check}↻ ${name} — ${time}`;
  if (session.state === 'expiring') return `${check}⚠ ${name} — ${time}`;
  return `${check}${name} — ${time}`;
}

function roleSubmenu(role: TrayState['roles'][number], session: SessionView | undefined, current: boolean): TrayItem[] {
  const id = `role:${role.name}`;
  const live = isLive(session);
  const items: TrayItem[] = [{ id: `${id}:profile`, type: 'normal', label: `Profile ${role.profile}`, enabled: false }];
  if (session?.error) items.push({ id: `${id}:error`, type: 'normal', label: clip(session.error.message, DETAIL_MAX), enabled: false });
  if (session?.note) items.push({ id: `${id}:note`, type: 'normal', label: clip(session.note, DETAIL_MAX), enabled: false });
  items.push(
    { id: `${id}:sep`, type: 'separator' },
    {
      id: `${id}:switch`,
      type: 'normal',
      label: current && live && session.state !== 'expired' ? 'Switch to (current)' : 'Switch to',
      enabled: true,
      action: { kind: 'switch', role: role.name },
    },
    { id: `${id}:console`, type: 'normal', label: 'Open console as role', enabled: true, action: { kind: 'open-console', role: role.name } },
    { id: `${id}:env`, type: 'normal', label: 'Copy env exports', enabled: true, action: { kind: 'copy-env', role: role.name } },
    { id: `${id}:refresh`, type: 'normal', label: 'Refresh now', enabled: live, action: { kind: 'refresh', role: role.name } },
    {
      id: `${id}:stop`,
      type: 'normal',
      label: 'Stop',
      enabled: session !== undefined && session.state !== 'stopped',
      action: { kind: 'stop', role: role.name },
    },
  );
  return items;
}

/** Roles grouped by account label (alias, else account ID); groups and roles sorted by name. */
export function groupRolesByAccount<R extends { name: string; accountId: string; accountLabel: string }>(roles: ReadonlyArray<R>): Array<{ accountId: string; label: string; roles: R[] }> {
  const groups = new Map<string, { accountId: string; label: string; roles: R[] }>();
  for (const r of roles) {
    const key = `${r.accountLabel}\u0000${r.accountId}`;
    let g = groups.get(key);
    if (!g) {
      g = { accountId: r.accountId, label: r.accountLabel, roles: [] };
      groups.set(key, g);
    }
    g.roles.push(r);
  }
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return [...groups.values()]
    .sort((a, b) => byName(a.label, b.label) || byName(a.accountId, b.accountId))
    .map((g) => ({ ...g, roles: [...g.roles].sort((a, b) => byName(a.name, b.name)) }));
}

/** Normal when all is well; expiring when a session is about to lapse unrefreshed; error on failures. */
export function trayIconState(state: Pick<TrayState, 'sessions' | 'problems'>, now: number): TrayIconState {
  if (state.problems.length > 0 || state.sessions.some((s) => s.state === 'error')) return 'error';
  const lapsing = state.sessions.some((s) => isLive(s) && (s.state === 'expiring' || s.state === 'expired' || s.expiresAt <= now));
  return lapsing ? 'expiring' : 'normal';
}

function currentSummary(state: TrayState, now: number): { role: string | null; text: string; short: string } {
  const role = state.roles.find((r) => r.profile === state.currentProfile);
  if (!role) {
    // A missing config file reads as current "default" with no profiles: that is no identity at all.
    const exists = state.foreignProfiles === undefined || (state.currentProfile !== null && state.foreignProfiles.includes(state.currentProfile));
    if (state.currentProfile && exists) return { role: null, text: `CLI profile ${state.currentProfile} (not managed by RoleTray)`, short: '' };
    return { role: null, text: 'no active role', short: '' };
  }
  const s = state.sessions.find((x) => x.role === role.name);
  if (s?.state === 'error') return { role: role.name, text: `${role.name}: error`, short: `${role.name} ✕` };
  if (!isLive(s)) return { role: role.name, text: `${role.name}: no session`, short: '' };
  const left = s.expiresAt - now;
  if (left <= 0) return { role: role.name, text: `${role.name}: expired`, short: `${role.name} ⚠` };
  const time = formatMinutesLeft(left);
  return { role: role.name, text: `${role.name}, ${time} left`, short: `${role.name} ${time}` };
}

/**
 * The whole tray: menu items, tooltip, macOS title and icon state at `now`.
 *
 * Layout: current identity, problems, roles grouped by account (each with its submenu), then
 * "Open RoleTray…", "Try the sandbox" (only while no identity exists), "Launch at login", Quit.
 */
export function buildTrayModel(state: TrayState, now: number): TrayModel {
  const sessions = new Map(state.sessions.map((s) => [s.role, s]));
  const cur = currentSummary(state, now);
  const items: TrayItem[] = [{ id: 'current', type: 'normal', label: `Current: ${cur.text}`, enabled: false }];
  state.problems.slice(0, 3).forEach((p, i) => items.push({ id: `problem:${i}`, type: 'normal', label: `⚠ ${clip(p.message, DETAIL_MAX)}`, enabled: false }));
  items.push({ id: 'sep:roles', type: 'separator' });

  const groups = groupRolesByAccount(state.roles);
  if (groups.length === 0) {
    items.push({
      id: 'no-roles',
      type: 'normal',
      label: state.identities.length === 0 ? 'No identities yet' : 'No roles yet',
      enabled: false,
    });
  }
  groups.forEach((g, gi) => {
    if (gi > 0) items.push({ id: `sep:account:${g.accountId}:${gi}`, type: 'separator' });
    const header = g.label === g.accountId ? `Account ${g.accountId}` : `${g.label} (${g.accountId})`;
    items.push({ id: `account:${g.label}:${g.accountId}`, type: 'normal', label: header, enabled: false });
    for (const role of g.roles) {
      const session = sessions.get(role.name);
      const current = state.currentProfile !== null && role.profile === state.currentProfile;
      items.push({
        id: `role:${role.name}`,
        type: 'submenu',
        label: roleLabel(role.name, session, current, now),
        checked: current,
        enabled: true,
        submenu: roleSubmenu(role, session, current),
      });
    }
  });

  items.push({ id: 'sep:app', type: 'separator' }, { id: 'open-window', type: 'normal', label: 'Open RoleTray…', enabled: true, action: { kind: 'open-window' } });
  if (state.identities.length === 0) {
    items.push({
      id: 'sandbox',
      type: 'normal',
      label: state.sandbox.running ? 'Try the sandbox (running)' : 'Try the sandbox',
      enabled: true,
      action: { kind: 'start-sandbox' },
    });
  }
  items.push(
    { id: 'sep:settings', type: 'separator' },
    {
      id: 'launch-at-login',
      type: 'checkbox',
      label: 'Launch at login',
      checked: state.settings.launchAtLogin,
      enabled: true,
      action: { kind: 'set-launch-at-login', enabled: !state.settings.launchAtLogin },
    },
    { id: 'sep:quit', type: 'separator' },
    { id: 'quit', type: 'normal', label: 'Quit RoleTray', enabled: true, action: { kind: 'quit' } },
  );

  const active = state.sessions.filter((s) => isLive(s) && s.expiresAt > now).length;
  let tooltip = `RoleTray — ${cur.text}`;
  if (active > 0) tooltip += ` · ${active} active session${active === 1 ? '' : 's'}`;
  if (state.problems.length > 0) tooltip += ` · ${state.problems.length} problem${state.problems.length === 1 ? '' : 's'}`;
  return { items, tooltip: clip(tooltip, TOOLTIP_MAX), title: cur.short, icon: trayIconState(state, now) };
}

/**
 * When the tray must be re-rendered for its time labels: the next minute boundary of any live
 * session's remaining time (or its expiry), strictly after `now`; null when no session is live,
 * so an idle tray arms no timer at all.
 */
export function nextTrayUpdate(state: Pick<TrayState, 'sessions'>, now: number): number | null {
  let next: number | null = null;
  for (const s of state.sessions) {
    if (!isLive(s) || s.state === 'error') continue;
    const left = s.expiresAt - now;
    if (left <= 0) continue;
    const at = s.expiresAt - (Math.ceil(left / MINUTE_MS) - 1) * MINUTE_MS;
    if (next === null || at < next) next = at;
  }
  return next;
}

/** Every action reachable in a menu, depth first (for tests and accessibility checks). */
export function collectActions(items: ReadonlyArray<TrayItem>): Array<{ id: string; action: TrayAction; enabled: boolean }> {
  const out: Array<{ id: string; action: TrayAction; enabled: boolean }> = [];
  for (const it of items) {
    if (it.action) out.push({ id: it.id, action: it.action, enabled: it.enabled !== false });
    if (it.submenu) out.push(...collectActions(it.submenu));
  }
  return out;
}
