/**
 * A deterministic clock for the benchmarks (the same contract as test/helpers/fake-clock.ts):
 * timers fire only when the benchmark advances time. It can also publish its time to a
 * SharedArrayBuffer, so a sandbox running in a worker thread issues credentials on the same
 * simulated clock.
 */
import type { Clock } from '../../main/core/ports';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class BenchClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  private readonly shared: Float64Array | undefined;

  constructor(start = Date.UTC(2026, 10, 23, 9, 0, 0), shared?: SharedArrayBuffer) {
    this.t = start;
    this.shared = shared ? new Float64Array(shared) : undefined;
    this.publish();
  }

  private publish(): void {
    if (this.shared) this.shared[0] = this.t;
  }

  now(): number {
    return this.t;
  }

  /** Jump to `t` without firing timers (the machine slept). */
  set(t: number): void {
    this.t = t;
    this.publish();
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    const i = this.timers.findIndex((x) => x.id === handle);
    if (i >= 0) this.timers.splice(i, 1);
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Advance to `until`, firing timers in time order and awaiting `settle` after each. */
  async runUntil(until: number, settle: () => Promise<void> = async () => undefined): Promise<number> {
    let fired = 0;
    for (;;) {
      let next: Timer | undefined;
      for (const x of this.timers) if (!next || x.at < next.at || (x.at === next.at && x.id < next.id)) next = x;
      if (!next || next.at > until) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.t = Math.max(this.t, next.at);
      this.publish();
      next.fn();
      fired++;
      await settle();
    }
    this.t = Math.max(this.t, until);
    this.publish();
    return fired;
  }
}
