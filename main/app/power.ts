/**
 * Wake-up triggers for the RefreshScheduler: resume from sleep, screen unlock and the user coming
 * back (macOS) call scheduler.kick(), which refreshes whatever fell due meanwhile.
 *
 * The network often returns a few seconds after resume. When net.isOnline() says offline at
 * that moment, the kick waits for it on a short, bounded schedule (5 s … 2 min, then kicks
 * anyway and leaves the rest to the scheduler's own backoff). There is no open-ended polling.
 */

export interface PowerMonitorLike {
  on(event: 'resume' | 'unlock-screen' | 'user-did-become-active', listener: () => void): unknown;
  removeListener(event: 'resume' | 'unlock-screen' | 'user-did-become-active', listener: () => void): unknown;
}

export interface PowerWatcherDeps {
  powerMonitor: PowerMonitorLike;
  isOnline(): boolean;
  kick(reason: string): Promise<void>;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  /** Delays of the offline re-checks after a wake; default 5 s, 15 s, 30 s, 60 s, 120 s. */
  offlineRetryMs?: ReadonlyArray<number> | undefined;
  logger?: { info(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void } | undefined;
}

export const WAKE_EVENTS = ['resume', 'unlock-screen', 'user-did-become-active'] as const;

/** Subscribes to the wake events; returns dispose() and wake() (the latter for tests and manual kicks). */
export function createPowerWatcher(deps: PowerWatcherDeps): { dispose(): void; wake(reason: string): void } {
  const delays = deps.offlineRetryMs ?? [5_000, 15_000, 30_000, 60_000, 120_000];
  let timer: unknown = null;

  const cancel = (): void => {
    if (timer !== null) deps.clearTimer(timer);
    timer = null;
  };

  const kick = (reason: string): void => {
    deps.kick(reason).catch((e: unknown) => deps.logger?.warn('refresh after wake failed', { reason, error: e instanceof Error ? e.message : String(e) }));
  };

  const attempt = (reason: string, i: number): void => {
    timer = null;
    if (i >= delays.length || deps.isOnline()) {
      kick(i === 0 ? reason : i >= delays.length ? `${reason}, still offline` : `${reason}, network back`);
      return;
    }
    timer = deps.setTimer(() => attempt(reason, i + 1), delays[i] ?? 0);
  };

  const wake = (reason: string): void => {
    deps.logger?.info('wake', { reason });
    cancel();
    attempt(reason, 0);
  };

  const listeners = WAKE_EVENTS.map((ev) => {
    const fn = (): void => wake(ev);
    deps.powerMonitor.on(ev, fn);
    return [ev, fn] as const;
  });

  return {
    wake,
    dispose() {
      cancel();
      for (const [ev, fn] of listeners) deps.powerMonitor.removeListener(ev, fn);
    },
  };
}
