/**
 * Small pure decisions of the app's lifecycle, kept out of main.ts so they can be tested.
 */
import path from 'node:path';

export const PRODUCT_NAME = 'RoleTray';
export const APP_ID = 'dev.roletray.app';

/**
 * Electron's default userData directory for our product name (appData + productName), as
 * Electron computes it. main.ts sets userData to core's resolvePaths().dataDir explicitly; this
 * function lets a test prove the two conventions agree, so the CLI and the app share one catalog.
 */
export function electronDefaultUserData(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  if (platform === 'win32') return path.join(env['APPDATA'] ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  return path.join(env['XDG_CONFIG_HOME'] ?? path.join(home, '.config'), PRODUCT_NAME);
}

/** Test mode for the Electron end-to-end test: only honoured in unpackaged builds. */
export function isE2eMode(env: NodeJS.ProcessEnv, isPackaged: boolean): boolean {
  return env['ROLETRAY_E2E'] === '1' && !isPackaged;
}

/**
 * Whether to open the window at start-up. A login-item start (--hidden) stays in the tray;
 * otherwise the window opens on first run (nothing to show in the tray yet), when the tray
 * cannot be shown, and in the e2e test.
 */
export function showWindowAtStart(opts: { argv: ReadonlyArray<string>; identities: number; trayAvailable: boolean; e2e: boolean }): boolean {
  if (opts.e2e || !opts.trayAvailable) return true;
  if (opts.argv.includes('--hidden')) return false;
  return opts.identities === 0;
}

/** Seconds after which copied env exports are wiped from the clipboard (if still there). */
export const CLIPBOARD_CLEAR_MS = 90_000;
