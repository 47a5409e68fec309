/**
 * The one shared clock of the window: a tiny external store that ticks once per second.
 *
 * Ticks are aligned to the wall-clock second (setTimeout to the next .000), so every countdown
 * in the window changes together and exactly when its text changes. The clock runs only while
 * somebody listens, the document is visible and nobody paused it (the benchmark does). Components
 * read it through `useSyncExternalStore` with a selector that returns their displayed text, so a
 * tick re-renders only the rows whose text changed.
 *
 * No DOM here (see clock-dom.ts for the visibility wiring), so it is unit-tested in Node.
 */

export interface TimerHost {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Clock {
  /** Current time as of the last tick (stable between ticks, so selectors agree within a render). */
  now(): number;
  subscribe(listener: () => void): () => void;
  /** Stop ticking (benchmarks). */
  pause(): void;
  /** Tick now and keep ticking. */
  resume(): void;
  /** The document became hidden (false) or visible (true). */
  setVisible(visible: boolean): void;
  /** Whether a tick is scheduled. */
  running(): boolean;
  listenerCount(): number;
}

/** Slack added after the second boundary, so the timer never fires a hair before it. */
const ALIGN_SLACK_MS = 2;

/** Build the shared clock on a timer host (the window, or a fake in tests). */
export function createClock(host: TimerHost): Clock {
  const listeners = new Set<() => void>();
  let current = host.now();
  let handle: unknown = null;
  let paused = false;
  let visible = true;

  const shouldRun = (): boolean => !paused && visible && listeners.size > 0;

  const schedule = (): void => {
    const t = host.now();
    const delay = 1000 - (t % 1000) + ALIGN_SLACK_MS;
    handle = host.setTimeout(tick, delay);
  };

  const emit = (): void => {
    current = host.now();
    for (const l of listeners) l();
  };

  function tick(): void {
    handle = null;
    emit();
    if (shouldRun()) schedule();
  }

  const stop = (): void => {
    if (handle !== null) {
      host.clearTimeout(handle);
      handle = null;
    }
  };

  const sync = (refreshNow: boolean): void => {
    if (shouldRun()) {
      if (handle === null) {
        if (refreshNow) emit();
        schedule();
      }
    } else {
      stop();
    }
  };

  return {
    now: () => current,
    subscribe(listener) {
      listeners.add(listener);
      if (listeners.size === 1) {
        current = host.now();
        sync(false);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stop();
      };
    },
    pause() {
      paused = true;
      stop();
    },
    resume() {
      paused = false;
      sync(true);
    },
    setVisible(v) {
      visible = v;
      sync(true);
    },
    running: () => handle !== null,
    listenerCount: () => listeners.size,
  };
}
