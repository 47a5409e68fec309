/**
 * Structural sharing between consecutive snapshots.
 *
 * Main pushes a complete AppSnapshot after every change. Replacing the whole object would make
 * every selector return a new value and every row re-render, so a new snapshot is merged into the
 * previous one: any part (session, role, identity, settings, list) that is deep-equal to what we
 * already hold keeps its previous object identity.
 */
import type { AppSnapshot, SessionView } from '../preload/contract';

/** Deep equality for JSON-like values (what crosses IPC). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/** Return `next`, or `prev` when the two are deep-equal. */
export function reuse<T>(prev: T | undefined, next: T): T {
  return prev !== undefined && deepEqual(prev, next) ? prev : next;
}

/**
 * Merge a keyed list: each item deep-equal to the previous item of the same key is replaced by
 * that previous object; the list itself is the previous list when nothing changed.
 */
export function reuseList<T>(prev: readonly T[] | undefined, next: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  if (prev) for (const item of prev) byKey.set(key(item), item);
  let changed = !prev || prev.length !== next.length;
  const out = next.map((item, i) => {
    const merged = reuse(byKey.get(key(item)), item);
    if (!changed && prev && prev[i] !== merged) changed = true;
    return merged;
  });
  return !changed && prev ? (prev as T[]) : out;
}

/** Merge a new snapshot into the previous one, keeping the identity of every unchanged part. */
export function mergeSnapshot(prev: AppSnapshot | null, next: AppSnapshot): AppSnapshot {
  if (!prev) return next;
  const merged: AppSnapshot = {
    identities: reuseList(prev.identities, next.identities, (i) => i.name),
    roles: reuseList(prev.roles, next.roles, (r) => r.name),
    sessions: reuseList(prev.sessions, next.sessions, (s) => s.role),
    settings: reuse(prev.settings, next.settings),
    currentProfile: next.currentProfile,
    foreignProfiles: reuse(prev.foreignProfiles, next.foreignProfiles),
    activity: reuseList(prev.activity, next.activity, (a) => `${a.at}|${a.kind}|${a.role ?? ''}|${a.message}`),
    sandbox: reuse(prev.sandbox, next.sandbox),
    problems: reuse(prev.problems, next.problems),
    platform: next.platform,
  };
  const same = (Object.keys(merged) as (keyof AppSnapshot)[]).every((k) => merged[k] === prev[k]);
  return same ? prev : merged;
}

/** Index sessions by role name, reusing the previous index when no session object changed. */
export function indexSessions(
  prev: Readonly<Record<string, SessionView>> | undefined,
  sessions: readonly SessionView[],
): Readonly<Record<string, SessionView>> {
  if (prev) {
    const keys = Object.keys(prev);
    if (keys.length === sessions.length && sessions.every((s) => prev[s.role] === s)) return prev;
  }
  const out: Record<string, SessionView> = {};
  for (const s of sessions) out[s.role] = s;
  return out;
}
