/**
 * Electron end-to-end: the built app (dist/app/main.cjs, dist/preload, dist/renderer) launched
 * with Playwright's _electron against the sandbox STS, a temp HOME / ROLETRAY_HOME / CLI config
 * and a throw-away keychain service. Adds an identity and a role and switches to it through
 * window.roletray (the preload API the renderer uses); the profile must then be current in the
 * temp aliyun CLI config, and nothing the page saw may contain a secret.
 *
 * Needs an Electron binary (ELECTRON_PATH, or the one the electron package downloaded), a display
 * on Linux (xvfb-run) and an unlocked Secret Service keyring (dbus-run-session + gnome-keyring).
 * Where one is missing the suite is skipped, and its title says why.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ElectronApplication, Page } from 'playwright-core';
import { _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../main/core/secret-store';
import type { SandboxHandle } from '../../main/sandbox/index';
import { ACCOUNT_A, startSandbox, TEST_USER_KEY_ID } from '../../main/sandbox/index';
import type { AppSnapshot, RoleTrayApi } from '../../preload/contract';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The Electron executable, or null: ELECTRON_PATH, else the binary the electron package installed
 * (what `require('electron')` returns). Resolved by reading the package's path.txt ourselves:
 * requiring the package would start a download when the binary is missing.
 */
function findElectron(): string | null {
  const fromEnv = process.env['ELECTRON_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  try {
    const pkgDir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
    const rel = readFileSync(path.join(pkgDir, 'path.txt'), 'utf8').trim();
    const dist = process.env['ELECTRON_OVERRIDE_DIST_PATH'] ?? path.join(pkgDir, 'dist');
    const bin = path.join(dist, rel);
    return rel && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const electronBinary = findElectron();
const noDisplay = process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY'];
const skipReason = !electronBinary ? 'electron binary not installed (set ELECTRON_PATH)' : noDisplay ? 'no display (run under xvfb-run)' : null;

/** The preload API as the page sees it (`window.roletray`; globalThis === window in the page). */
type PageGlobals = { roletray: RoleTrayApi; __snapshots: AppSnapshot[] };

describe(skipReason ? `Electron app end-to-end — SKIPPED: ${skipReason}` : 'Electron app end-to-end', () => {
  let sandbox: SandboxHandle;
  let home: string;
  let cliConfig: string;
  let dataDir: string;
  let service: string;
  let userSecret: string;
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    if (skipReason) return;
    for (const f of ['dist/app/main.cjs', 'dist/preload/index.cjs', 'dist/renderer/index.html']) {
      if (!existsSync(path.join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
    userSecret = `rtE2e${randomBytes(12).toString('hex')}`;
    sandbox = await startSandbox({ userSecret });
    home = await mkdtemp(path.join(os.tmpdir(), 'roletray-e2e-'));
    dataDir = path.join(home, 'data');
    cliConfig = path.join(home, '.aliyun', 'config.json');
    service = `roletray-e2e-${randomBytes(6).toString('hex')}`;
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ROLETRAY_') && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    Object.assign(env, {
      HOME: home,
      ROLETRAY_E2E: '1',
      ROLETRAY_HOME: dataDir,
      ROLETRAY_CLI_CONFIG: cliConfig,
      ROLETRAY_STS_ENDPOINT: sandbox.url,
      ROLETRAY_KEYCHAIN_SERVICE: service,
    });
    // Chromium refuses to start as root with its sandbox on (CI containers): test runs only.
    const args = process.platform === 'linux' && process.getuid?.() === 0 ? ['--no-sandbox', root] : [root];
    app = await _electron.launch({ executablePath: electronBinary ?? undefined, args, env, cwd: root, timeout: 60_000 });
    page = await app.firstWindow({ timeout: 60_000 });
    await page.waitForFunction(() => typeof (globalThis as unknown as PageGlobals).roletray === 'object', undefined, { timeout: 30_000 });
  }, 120_000);

  afterAll(async () => {
    if (skipReason) return;
    await app?.close().catch(() => undefined);
    await sandbox?.close();
    if (service) {
      const store = new KeytarSecretStore(service);
      for (const account of await store.list().catch(() => [])) await store.delete(account).catch(() => false);
    }
    if (home) await rm(home, { recursive: true, force: true });
  }, 60_000);

  it.skipIf(skipReason !== null)('runs sandboxed, isolated, from our own origin, with our data directory', async () => {
    expect(page.url()).toMatch(/^roletray:\/\/app\/index\.html(#.*)?$/);
    const pageSide = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      return { require: typeof g['require'], process: typeof g['process'], keys: Object.keys(g['roletray'] as object).sort() };
    });
    expect(pageSide.require).toBe('undefined');
    expect(pageSide.process).toBe('undefined');
    expect(pageSide.keys).toContain('switchRole');
    const main = await app.evaluate(({ app: a, BrowserWindow }) => ({
      userData: a.getPath('userData'),
      windows: BrowserWindow.getAllWindows().map((w) => w.webContents.getURL()),
      singleInstance: a.hasSingleInstanceLock(),
    }));
    expect(main).toMatchObject({ userData: dataDir, singleInstance: true });
    expect(main.windows).toHaveLength(1);
    expect(main.windows[0]).toMatch(/^roletray:\/\/app\/index\.html/);
    // the sandboxed renderer has no Node, even inside the preload's world: only the exposed API crosses
    const isolated = await page.evaluate(() => Object.getOwnPropertyNames((globalThis as unknown as PageGlobals).roletray).every((k) => typeof (globalThis as unknown as Record<string, Record<string, unknown>>)['roletray']?.[k] === 'function'));
    expect(isolated).toBe(true);
  });

  it.skipIf(skipReason !== null)('denies navigation and window.open', async () => {
    const opened = await page.evaluate(() => (globalThis as unknown as { open(u: string): unknown }).open('https://example.com/') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^roletray:\/\/app\/index\.html/);
  });

  it.skipIf(skipReason !== null)(
    'add identity -> add role -> switch: the profile is current in the CLI config, and no secret reached the page',
    async () => {
      await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        g.__snapshots = [];
        g.roletray.onSnapshot((s) => g.__snapshots.push(s));
      });
      const results = await page.evaluate(
        async ({ akid, secret, arn }) => {
          const api = (globalThis as unknown as PageGlobals).roletray;
          const identity = await api.addIdentity({ name: 'me', accessKeyId: akid, secret, site: 'cn', region: 'cn-shanghai' });
          const role = await api.addRole({ name: 'fc-admin', arn, source: 'me' });
          const switched = await api.switchRole('fc-admin');
          const snapshot = await api.getSnapshot();
          return { identity, role, switched, snapshot };
        },
        { akid: TEST_USER_KEY_ID, secret: userSecret, arn: `acs:ram::${ACCOUNT_A}:role/fc-admin` },
      );
      expect(results.identity).toMatchObject({ ok: true, value: { accountId: expect.any(String) } });
      expect(results.role).toEqual({ ok: true, value: null });
      // the role's CLI profile defaults to "roletray-<role>"
      expect(results.switched).toMatchObject({ ok: true, value: { role: 'fc-admin', profile: 'roletray-fc-admin', state: 'active', current: true } });
      expect(results.snapshot.currentProfile).toBe('roletray-fc-admin');

      const config = JSON.parse(await readFile(cliConfig, 'utf8')) as { current?: string; profiles: Array<Record<string, unknown>> };
      expect(config.current).toBe('roletray-fc-admin');
      const profile = config.profiles.find((p) => p['name'] === 'roletray-fc-admin');
      expect(profile).toMatchObject({ mode: 'StsToken', region_id: 'cn-shanghai' });
      expect(String(profile?.['access_key_id'])).toMatch(/^STS\./);

      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__snapshots.some((s) => s.currentProfile === 'roletray-fc-admin'), undefined, { timeout: 10_000 });
      const pushed = await page.evaluate(() => (globalThis as unknown as PageGlobals).__snapshots);
      const seen = JSON.stringify({ results, pushed });
      for (const secret of [userSecret, String(profile?.['access_key_secret']), String(profile?.['sts_token'])]) {
        expect(secret.length).toBeGreaterThan(8);
        expect(seen.includes(secret)).toBe(false);
      }
    },
    120_000,
  );

  it.skipIf(skipReason !== null)('a request with a bad argument is refused by main and changes nothing', async () => {
    const r = await page.evaluate(async () => {
      const api = (globalThis as unknown as { roletray: Record<string, (...a: unknown[]) => Promise<unknown>> }).roletray;
      return api['addRole']?.({ name: 'x', arn: 'acs:ram::1234567890123456:role/x', source: 'me', admin: true });
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const catalog = JSON.parse(await readFile(path.join(dataDir, 'catalog.json'), 'utf8')) as { roles: Array<{ name: string }> };
    expect(catalog.roles.map((x) => x.name)).toEqual(['fc-admin']);
  });
});
