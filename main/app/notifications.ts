/**
 * OS notifications: a session about to expire without a successful refresh, a permanent failure
 * (revoked role, invalid key), the keychain being unavailable, a failed tray action. Respects
 * settings.notifications, and says the same thing at most once per quiet period. Clicking one
 * opens the window at that role. Messages are redacted before they reach the OS.
 */
import type { ErrorView } from '../core/common/model';
import { redact } from '../core/errors';

export type NoticeKind = 'expiring' | 'failed' | 'keychain' | 'action-failed';

export interface Notice {
  kind: NoticeKind;
  role: string | null;
  title: string;
  body: string;
}

export interface NotifierDeps {
  /** Shows one OS notification; onClick is called when the user clicks it. */
  show(n: { title: string; body: string; onClick(): void }): void;
  /** settings.notifications, read at the moment of notifying. */
  enabled(): boolean;
  now(): number;
  /** Opens the window, focused on the role if there is one. */
  open(role: string | null): void;
  /** Identical notices within this window are dropped. Default 10 minutes. */
  quietMs?: number | undefined;
}

export interface Notifier {
  notify(n: Notice): boolean;
  /** Watches snapshot problems and session errors for an unavailable keychain. */
  observe(state: { problems: ReadonlyArray<ErrorView>; sessions: ReadonlyArray<{ role: string; error: ErrorView | null }> }): void;
}

/** Notice for a RefreshScheduler onNotice callback. */
export function schedulerNotice(n: { kind: 'expiring' | 'failed'; role: string; message: string }): Notice {
  return n.kind === 'expiring'
    ? { kind: 'expiring', role: n.role, title: `${n.role} is about to expire`, body: n.message }
    : { kind: 'failed', role: n.role, title: `${n.role} stopped refreshing`, body: n.message };
}

/** Notifier over an OS notification function: settings switch, de-duplication, click-through, redaction. */
export function createNotifier(deps: NotifierDeps): Notifier {
  const quietMs = deps.quietMs ?? 10 * 60_000;
  const lastShown = new Map<string, number>();
  let keychainKey: string | null = null;

  const notify = (n: Notice): boolean => {
    if (!deps.enabled()) return false;
    const now = deps.now();
    const key = `${n.kind}\u0000${n.role ?? ''}\u0000${n.body}`;
    const prev = lastShown.get(key);
    if (prev !== undefined && now - prev < quietMs) return false;
    lastShown.set(key, now);
    if (lastShown.size > 200) {
      for (const [k, at] of lastShown) if (now - at >= quietMs) lastShown.delete(k);
    }
    deps.show({ title: redact(`RoleTray: ${n.title}`), body: redact(n.body), onClick: () => deps.open(n.role) });
    return true;
  };

  return {
    notify,
    observe(state) {
      const problem =
        state.problems.find((p) => p.code === 'keychain') ??
        state.sessions.map((s) => s.error).find((e): e is ErrorView => e !== null && e.code === 'keychain');
      if (!problem) {
        keychainKey = null;
        return;
      }
      // Once per outage: again only after the keychain worked in between.
      if (keychainKey !== null) return;
      const role = state.sessions.find((s) => s.error?.code === 'keychain')?.role ?? null;
      keychainKey = problem.message;
      notify({ kind: 'keychain', role, title: 'the keychain is unavailable', body: problem.hint ? `${problem.message}. ${problem.hint}` : problem.message });
    },
  };
}
