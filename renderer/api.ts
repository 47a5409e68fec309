/**
 * The sole reader of `window.roletray`, the typed API the preload exposes (preload/contract.ts).
 * Everything else in the renderer receives the API object from here.
 */
import type { RoleTrayApi } from '../preload/contract';

declare global {
  interface Window {
    roletray?: RoleTrayApi;
  }
}

/** The preload API, or null when the page runs outside RoleTray (no preload). */
export function getApi(): RoleTrayApi | null {
  return window.roletray ?? null;
}
