/**
 * The shared clock bound to the window: real timers, paused while the document is hidden, and
 * exposed as `window.__roletrayClock` so the benchmark can pause and resume it.
 */
import type { Clock } from './clock';
import { createClock } from './clock';

declare global {
  interface Window {
    __roletrayClock?: { pause(): void; resume(): void };
  }
}

export function createWindowClock(): Clock {
  const clock = createClock({
    now: () => Date.now(),
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
    clearTimeout: (h) => window.clearTimeout(h as number),
  });
  clock.setVisible(document.visibilityState !== 'hidden');
  document.addEventListener('visibilitychange', () => clock.setVisible(document.visibilityState !== 'hidden'));
  window.__roletrayClock = { pause: () => clock.pause(), resume: () => clock.resume() };
  return clock;
}
