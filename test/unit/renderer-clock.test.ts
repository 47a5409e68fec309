import { describe, expect, it } from 'vitest';
import type { TimerHost } from '../../renderer/clock';
import { createClock } from '../../renderer/clock';

/** A manual timer host: time moves only when the test says so. */
function fakeHost(start: number) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const host: TimerHost = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      timers.delete(h as number);
    },
  };
  return {
    host,
    pending: () => [...timers.values()].map((t) => t.at),
    /** Advance time, firing due timers in order. */
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
  };
}

describe('createClock', () => {
  it('ticks once per second, aligned to the wall-clock second', () => {
    const t = fakeHost(10_250);
    const clock = createClock(t.host);
    const seen: number[] = [];
    clock.subscribe(() => seen.push(clock.now()));
    expect(t.pending()).toEqual([11_002]);
    t.advance(3_000);
    expect(seen).toEqual([11_002, 12_002, 13_002]);
    expect(seen.every((n) => n % 1000 === 2)).toBe(true);
  });

  it('runs only while somebody listens', () => {
    const t = fakeHost(0);
    const clock = createClock(t.host);
    expect(clock.running()).toBe(false);
    const off1 = clock.subscribe(() => undefined);
    const off2 = clock.subscribe(() => undefined);
    expect(clock.running()).toBe(true);
    off1();
    expect(clock.running()).toBe(true);
    off2();
    expect(clock.running()).toBe(false);
    expect(t.pending()).toEqual([]);
  });

  it('stops while the document is hidden and catches up when visible again', () => {
    const t = fakeHost(0);
    const clock = createClock(t.host);
    let ticks = 0;
    clock.subscribe(() => ticks++);
    t.advance(2_500);
    expect(ticks).toBe(2);
    clock.setVisible(false);
    expect(clock.running()).toBe(false);
    t.advance(10_000);
    expect(ticks).toBe(2);
    clock.setVisible(true);
    expect(ticks).toBe(3); // immediate catch-up tick
    expect(clock.now()).toBe(12_500);
    t.advance(600);
    expect(ticks).toBe(4);
  });

  it('pause() and resume() (the benchmark hooks) stop and restart ticking', () => {
    const t = fakeHost(0);
    const clock = createClock(t.host);
    let ticks = 0;
    clock.subscribe(() => ticks++);
    clock.pause();
    t.advance(5_000);
    expect(ticks).toBe(0);
    clock.resume();
    expect(ticks).toBe(1);
    t.advance(1_100);
    expect(ticks).toBe(2);
    // hidden + resumed still does not tick
    clock.setVisible(false);
    clock.resume();
    t.advance(3_000);
    expect(ticks).toBe(2);
  });

  it('keeps now() stable between ticks', () => {
    const t = fakeHost(500);
    const clock = createClock(t.host);
    clock.subscribe(() => undefined);
    const a = clock.now();
    t.advance(400);
    expect(clock.now()).toBe(a);
    t.advance(200);
    expect(clock.now()).toBe(1_002);
  });
});
