/**
 * A deterministic Clock for tests: timers fire only when the test advances time.
 */
import type { Clock } from '../../main/core/ports';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  get pending(): number {
    return this.timers.length;
  }

  /**
   * Advance to `until`, firing timers in time order; after each, await `settle` (e.g. the
   * scheduler's idle()) so async work triggered by the timer completes at that instant.
   */
  async runUntil(until: number, settle: () => Promise<void> = async () => undefined): Promise<number> {
    let fired = 0;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
      fired++;
      await settle();
    }
    this.t = Math.max(this.t, until);
    return fired;
  }
}
