/**
 * Wake-up triggers: resume / unlock / user-active kick the scheduler; when offline at wake, a
 * short bounded wait for the network, never open-ended polling; listeners removed on dispose.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createPowerWatcher, WAKE_EVENTS } from '../../main/app/power';

function setup(online: boolean) {
  const pm = new EventEmitter();
  let isOnline = online;
  let checks = 0;
  const kicks: string[] = [];
  const timers = new Map<number, { ms: number; fn: () => void }>();
  let seq = 0;
  const w = createPowerWatcher({
    powerMonitor: pm,
    isOnline: () => {
      checks++;
      return isOnline;
    },
    kick: async (reason) => void kicks.push(reason),
    setTimer: (fn, ms) => {
      timers.set(++seq, { ms, fn });
      return seq;
    },
    clearTimer: (h) => void timers.delete(h as number),
    offlineRetryMs: [5, 15, 30],
  });
  const fireNext = (): number | undefined => {
    const [id, t] = [...timers.entries()][0] ?? [];
    if (id === undefined || !t) return undefined;
    timers.delete(id);
    t.fn();
    return t.ms;
  };
  return { pm, w, kicks, timers, fireNext, setOnline: (v: boolean) => (isOnline = v), checks: () => checks };
}

describe('createPowerWatcher', () => {
  it.each(WAKE_EVENTS)('%s kicks the scheduler at once when online', (ev) => {
    const s = setup(true);
    s.pm.emit(ev);
    expect(s.kicks).toEqual([ev]);
    expect(s.timers.size).toBe(0);
  });

  it('offline at wake: re-checks on a bounded schedule and kicks when the network is back', () => {
    const s = setup(false);
    s.pm.emit('resume');
    expect(s.kicks).toEqual([]);
    expect(s.fireNext()).toBe(5);
    expect(s.kicks).toEqual([]);
    s.setOnline(true);
    expect(s.fireNext()).toBe(15);
    expect(s.kicks).toEqual(['resume, network back']);
    expect(s.timers.size).toBe(0);
  });

  it('still offline after the last re-check: kicks anyway (the scheduler backs off) and stops checking', () => {
    const s = setup(false);
    s.pm.emit('unlock-screen');
    const delays: Array<number | undefined> = [];
    for (let i = 0; i < 10 && s.timers.size > 0; i++) delays.push(s.fireNext());
    expect(delays).toEqual([5, 15, 30]);
    expect(s.kicks).toHaveLength(1);
    expect(s.timers.size).toBe(0);
    expect(s.checks()).toBe(3);
  });

  it('a new wake replaces a pending wait (one timer at most)', () => {
    const s = setup(false);
    s.pm.emit('resume');
    s.pm.emit('unlock-screen');
    expect(s.timers.size).toBe(1);
  });

  it('dispose removes the listeners and the pending timer', () => {
    const s = setup(false);
    s.pm.emit('resume');
    s.w.dispose();
    expect(s.timers.size).toBe(0);
    for (const ev of WAKE_EVENTS) expect(s.pm.listenerCount(ev)).toBe(0);
    s.setOnline(true);
    s.pm.emit('resume');
    expect(s.kicks).toEqual([]);
  });
});
