/**
 * React access to the store and the clock: contexts plus selector hooks.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import type { Clock } from './clock';
import { countdownText } from './format';
import type { RoleTrayState, RoleTrayStore } from './store';

export const StoreContext = createContext<RoleTrayStore | null>(null);
export const ClockContext = createContext<Clock | null>(null);

/** The store itself (for actions, which are stable functions). */
export function useRoleTrayStore(): RoleTrayStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('RoleTray store missing: render inside <StoreContext value={store}>');
  return store;
}

/** Subscribe to a slice of the store; re-renders only when the selected value changes (Object.is). */
export function useRoleTray<T>(selector: (s: RoleTrayState) => T): T {
  return useStore(useRoleTrayStore(), selector);
}

/** The store's actions (stable: they never change after the store is created). */
export function useActions(): RoleTrayState {
  return useRoleTrayStore().getState();
}

export function useClock(): Clock {
  const clock = useContext(ClockContext);
  if (!clock) throw new Error('RoleTray clock missing: render inside <ClockContext value={clock}>');
  return clock;
}

const noSubscribe = (): (() => void) => () => undefined;

/**
 * A value derived from the shared clock. `select(now)` must return a primitive (the displayed
 * text), so the component re-renders only when that value changes, not on every tick. With
 * `live` false (the row is off screen) it does not subscribe; it recomputes when it renders.
 */
export function useClockValue<T extends string | number | boolean | null>(select: (now: number) => T, live = true): T {
  const clock = useClock();
  return useSyncExternalStore(live ? clock.subscribe : noSubscribe, () => select(clock.now()));
}

/** The countdown text of a session ("42:17", "5h 12m", "—"). */
export function useCountdownText(expiresAt: number | null, live = true): string {
  return useClockValue((now) => countdownText(expiresAt, now), live);
}
