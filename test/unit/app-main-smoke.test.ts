/**
 * Smoke test of the composition root (main/app/main.ts) where no Electron binary can run: the
 * bundle is built as scripts/build.mjs builds it and loaded by Node with a recording stand-in
 * for the 'electron' module. It checks the wiring, not Electron: paths before ready, the
 * privileged scheme, the sandbox switch, the security policy, one handler per channel behind the
 * sender check, the secure window, the tray and its clicks, the real core/keychain/sandbox flow
 * through IPC into the CLI config, and an orderly quit.
 *
 * Uses the real keychain under a throw-away service (run under dbus-run-session + gnome-keyring
 * on Linux, like the other keychain tests).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, rmdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../main/core/secret-store';
import type { SandboxHandle } from '../../main/sandbox/index';
import { ACCOUNT_A, startSandbox, TEST_USER_KEY_ID } from '../../main/sandbox/index';
import { CHANNELS } from '../../preload/contract';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nodeRequire = createRequire(path.join(root, 'package.json'));

type Fn = (...a: unknown[]) => unknown;
interface MenuItem {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuItem[];
}

/** A recording stand-in for the parts of Electron main.ts uses. */
function fakeElectron(appPath: string) {
  const log: string[] = [];
  const appEvents = new EventEmitter();
  const paths: Record<string, string> = {};
  const handlers = new Map<string, Fn>();
  const windows: FakeBrowserWindow[] = [];
  const trays: FakeTray[] = [];
  const notifications: Array<{ title: string; body: string }> = [];
  const opened: string[] = [];
  let clipboardText = '';
  let protocolHandler: ((req: { url: string; method: string }) => Promise<Response>) | null = null;
  const session = {
    permissionRequest: null as null | Fn,
    permissionCheck: null as null | Fn,
    headers: null as null | Fn,
    setPermissionRequestHandler: (fn: Fn) => void (session.permissionRequest = fn),
    setPermissionCheckHandler: (fn: Fn) => void (session.permissionCheck = fn),
    setDevicePermissionHandler: () => undefined,
    webRequest: { onHeadersReceived: (fn: Fn) => void (session.headers = fn) },
  };
  let wcSeq = 100;

  class FakeBrowserWindow extends EventEmitter {
    readonly options: { webPreferences: Record<string, unknown> };
    readonly loaded: string[] = [];
    visible = false;
    destroyed = false;
    readonly webContents: EventEmitter & { id: number; sent: unknown[][]; isDestroyed(): boolean; isLoading(): boolean; send(...a: unknown[]): void };
    constructor(options: { webPreferences: Record<string, unknown> }) {
      super();
      this.options = options;
      const wc = Object.assign(new EventEmitter(), {
        id: ++wcSeq,
        sent: [] as unknown[][],
        isDestroyed: () => this.destroyed,
        isLoading: () => false,
        send: (...a: unknown[]) => void wc.sent.push(a),
      });
      this.webContents = wc;
      windows.push(this);
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
      this.emit('ready-to-show');
      this.webContents.emit('did-finish-load');
    }
    show(): void {
      this.visible = true;
    }
    hide(): void {
      this.visible = false;
    }
    focus(): void {}
    restore(): void {}
    isMinimized(): boolean {
      return false;
    }
    isVisible(): boolean {
      return this.visible;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
  }

  class FakeTray extends EventEmitter {
    menu: MenuItem[] = [];
    tooltip = '';
    images: unknown[];
    destroyed = false;
    constructor(image: unknown) {
      super();
      this.images = [image];
      trays.push(this);
    }
    setContextMenu(m: MenuItem[]): void {
      this.menu = m;
    }
    setToolTip(t: string): void {
      this.tooltip = t;
    }
    setTitle(): void {}
    setImage(i: unknown): void {
      this.images.push(i);
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  class FakeNotification extends EventEmitter {
    static isSupported = (): boolean => true;
    constructor(readonly opts: { title: string; body: string }) {
      super();
    }
    show(): void {
      notifications.push(this.opts);
    }
  }

  const app = {
    isPackaged: false,
    dock: undefined,
    setName: (n: string) => void log.push(`setName ${n}`),
    setPath: (k: string, v: string) => {
      log.push(`setPath ${k}`);
      paths[k] = v;
    },
    getPath: (k: string) => paths[k] ?? '',
    getAppPath: () => appPath,
    getVersion: () => '0.0.0-test',
    requestSingleInstanceLock: () => {
      log.push('requestSingleInstanceLock');
      return true;
    },
    enableSandbox: () => void log.push('enableSandbox'),
    setAppUserModelId: () => undefined,
    setLoginItemSettings: (s: unknown) => void log.push(`setLoginItemSettings ${JSON.stringify(s)}`),
    whenReady: () => Promise.resolve().then(() => void log.push('ready')),
    on: (ev: string, fn: Fn) => void appEvents.on(ev, fn),
    quit: () => void log.push('quit'),
    exit: (code: number) => void log.push(`exit ${code}`),
  };

  const electron = {
    app,
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: { buildFromTemplate: (t: MenuItem[]) => t },
    nativeImage: { createFromPath: (p: string) => ({ path: p, setTemplateImage: () => undefined }) },
    ipcMain: { handle: (ch: string, fn: Fn) => void handlers.set(ch, fn), removeHandler: (ch: string) => void handlers.delete(ch) },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown) => void log.push(`registerSchemesAsPrivileged ${JSON.stringify(s)}`),
      handle: (scheme: string, fn: typeof protocolHandler) => {
        log.push(`protocol.handle ${scheme}`);
        protocolHandler = fn;
      },
    },
    session: { defaultSession: session },
    powerMonitor: new EventEmitter(),
    net: { isOnline: () => true },
    clipboard: {
      writeText: async (t: string) => void (clipboardText = t),
      readText: async () => clipboardText,
      clear: () => void (clipboardText = ''),
    },
    shell: { openExternal: async (u: string) => void opened.push(u) },
  };
  return { electron, log, appEvents, paths, handlers, windows, trays, notifications, opened, session, clipboard: () => clipboardText, protocol: () => protocolHandler };
}

let fake: ReturnType<typeof fakeElectron>;
let tmp: string;
let sandbox: SandboxHandle;
let service: string;
let userSecret: string;
const savedEnv = { ...process.env };

const trustedEvent = (): unknown => ({ sender: { id: fake.windows[0]?.webContents.id }, senderFrame: { url: 'roletray://app/index.html', parent: null } });
const invoke = (channel: string, ...args: unknown[]): Promise<unknown> => Promise.resolve(fake.handlers.get(channel)?.(trustedEvent(), ...args));
const settle = (ms = 80): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Polls until `check` holds (async work in the app under test: snapshot pushes, tray clicks). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(10);
  }
}
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

function findItem(items: MenuItem[], id: string): MenuItem | undefined {
  for (const it of items) {
    if (it.id === id) return it;
    const inner = it.submenu ? findItem(it.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'roletray-smoke-'));
  userSecret = `rtSmoke${randomBytes(12).toString('hex')}`;
  sandbox = await startSandbox({ userSecret });
  service = `roletray-smoke-${randomBytes(6).toString('hex')}`;
  Object.assign(process.env, {
    HOME: tmp,
    ROLETRAY_HOME: path.join(tmp, 'data'),
    ROLETRAY_CLI_CONFIG: path.join(tmp, '.aliyun', 'config.json'),
    ROLETRAY_STS_ENDPOINT: sandbox.url,
    ROLETRAY_KEYCHAIN_SERVICE: service,
    XDG_CONFIG_HOME: path.join(tmp, '.config'),
  });
  delete process.env['ROLETRAY_E2E'];
  delete process.env['ROLETRAY_RENDERER_URL'];

  // Bundle exactly like scripts/build.mjs, into the git-ignored .tmp/ so node_modules resolve.
  const outDir = path.join(root, '.tmp', `smoke-${randomBytes(4).toString('hex')}`);
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, 'main.cjs');
  await build({ absWorkingDir: root, entryPoints: ['main/app/main.ts'], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'silent' });

  fake = fakeElectron(root);
  const electronPath = nodeRequire.resolve('electron');
  nodeRequire.cache[electronPath] = { id: electronPath, filename: electronPath, loaded: true, exports: fake.electron } as unknown as NodeJS.Module;
  try {
    nodeRequire(outfile);
  } finally {
    delete nodeRequire.cache[electronPath];
  }
  // wait for whenReady's start-up (first snapshot, tray, window)
  await until(() => fake.trays.length > 0 && fake.windows.length > 0, 'start-up', 30_000);
  await rm(outDir, { recursive: true, force: true });
  await rmdir(path.join(root, '.tmp')).catch(() => undefined); // only if empty
}, 60_000);

afterAll(async () => {
  fake?.appEvents.emit('before-quit');
  fake?.appEvents.emit('will-quit', { preventDefault: () => undefined });
  await settle(100);
  await sandbox?.close();
  const store = new KeytarSecretStore(service);
  for (const a of await store.list().catch(() => [])) await store.delete(a).catch(() => false);
  await rm(tmp, { recursive: true, force: true });
  process.env = savedEnv;
}, 30_000);

describe('main.ts wiring (with a stand-in Electron)', () => {
  it('sets the data directory, sandbox and scheme before ready, after taking the single-instance lock', () => {
    const i = (s: string): number => fake.log.findIndex((l) => l.startsWith(s));
    expect(fake.paths['userData']).toBe(path.join(tmp, 'data'));
    expect(fake.paths['sessionData']).toBe(path.join(tmp, 'data', 'chromium'));
    expect(i('setPath userData')).toBeLessThan(i('requestSingleInstanceLock'));
    expect(i('requestSingleInstanceLock')).toBeLessThan(i('ready'));
    expect(i('enableSandbox')).toBeLessThan(i('ready'));
    expect(i('registerSchemesAsPrivileged')).toBeLessThan(i('ready'));
    expect(fake.log).toContain('registerSchemesAsPrivileged [{"scheme":"roletray","privileges":{"standard":true,"secure":true}}]');
    expect(i('protocol.handle roletray')).toBeGreaterThan(i('ready'));
  });

  it('installs the app-wide navigation policy and denies every permission', () => {
    expect(fake.appEvents.listenerCount('web-contents-created')).toBe(1);
    const wc = Object.assign(new EventEmitter(), { openHandler: null as null | Fn, setWindowOpenHandler: (fn: Fn) => void (wc.openHandler = fn) });
    fake.appEvents.emit('web-contents-created', {}, wc);
    let prevented = false;
    wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);
    expect(wc.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    let granted: unknown = 'unset';
    fake.session.permissionRequest?.({}, 'media', (g: unknown) => (granted = g));
    expect(granted).toBe(false);
    expect(fake.session.permissionCheck?.()).toBe(false);
    let headers: Record<string, string[]> = {};
    fake.session.headers?.({ responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(Object.keys(headers)).toEqual(['Content-Security-Policy']);
    expect(headers['Content-Security-Policy']?.[0]).toContain("default-src 'none'");
  });

  it('serves the renderer from roletray://app with the CSP, and nothing outside it', async () => {
    const handler = fake.protocol();
    const escape = await handler?.({ url: 'roletray://app/../../package.json', method: 'GET' });
    expect(escape?.status).toBe(404);
    expect(escape?.headers.get('content-security-policy')).toContain("connect-src 'none'");
    const post = await handler?.({ url: 'roletray://app/index.html', method: 'POST' });
    expect(post?.status).toBe(404);
  });

  it('registers one handler per contract channel', () => {
    expect([...fake.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('opens the secure window on first run, loading our scheme with our preload', () => {
    expect(fake.windows).toHaveLength(1);
    const w = fake.windows[0];
    expect(w?.loaded).toEqual(['roletray://app/index.html']);
    expect(w?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, devTools: true, preload: path.join(root, 'dist', 'preload', 'index.cjs') });
    expect(w?.visible).toBe(true);
  });

  it('creates the tray with the coloured icon and the first-run menu', () => {
    const tray = fake.trays[0];
    expect((tray?.images[0] as { path: string }).path).toBe(path.join(root, 'assets', process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'));
    expect(findItem(tray?.menu ?? [], 'sandbox')?.label).toBe('Try the sandbox');
    expect(tray?.tooltip).toBe('RoleTray — no active role');
  });

  it('refuses IPC from anything but our window', async () => {
    const fn = fake.handlers.get('roletray:get-snapshot');
    await expect(Promise.resolve(fn?.({ sender: { id: 1 }, senderFrame: { url: 'roletray://app/index.html', parent: null } }))).rejects.toThrow('request refused');
    await expect(Promise.resolve(fn?.({ sender: { id: fake.windows[0]?.webContents.id }, senderFrame: { url: 'https://evil.example/', parent: null } }))).rejects.toThrow('request refused');
  });

  it('identity -> role -> switch over IPC writes the CLI profile; the tray and the window follow', async () => {
    expect(await invoke('roletray:add-identity', { name: 'me', accessKeyId: TEST_USER_KEY_ID, secret: userSecret, site: 'cn', region: 'cn-shanghai' })).toMatchObject({ ok: true });
    expect(await invoke('roletray:add-role', { name: 'fc-admin', arn: `acs:ram::${ACCOUNT_A}:role/fc-admin`, source: 'me', accountAlias: 'acme-prod' })).toEqual({ ok: true, value: null });
    expect(await invoke('roletray:switch-role', 'fc-admin')).toMatchObject({ ok: true, value: { current: true, profile: 'roletray-fc-admin' } });
    const config = JSON.parse(await readFile(path.join(tmp, '.aliyun', 'config.json'), 'utf8')) as { current: string; profiles: Array<{ name: string; mode: string }> };
    expect(config.current).toBe('roletray-fc-admin');
    expect(config.profiles.find((p) => p.name === 'roletray-fc-admin')?.mode).toBe('StsToken');
    await until(() => /^✓ fc-admin — \d+m$/.test(findItem(fake.trays[0]?.menu ?? [], 'role:fc-admin')?.label ?? ''), 'the tray to show the switched role');
    const menu = fake.trays[0]?.menu ?? [];
    expect(findItem(menu, 'sandbox')).toBeUndefined();
    expect(fake.trays[0]?.tooltip).toMatch(/^RoleTray — fc-admin, \d+m left · 1 active session$/);
    const pushed = fake.windows[0]?.webContents.sent.filter((m) => m[0] === 'roletray:snapshot') ?? [];
    expect(pushed.length).toBeGreaterThan(0);
    expect(JSON.stringify(pushed)).not.toContain(userSecret);
  });

  it('tray clicks run through the same backend: copy env, then stop removes the profile', async () => {
    findItem(fake.trays[0]?.menu ?? [], 'role:fc-admin:env')?.click?.();
    await until(() => fake.clipboard().includes('ALIBABA_CLOUD_SECURITY_TOKEN='), 'the env exports on the clipboard');
    findItem(fake.trays[0]?.menu ?? [], 'role:fc-admin:stop')?.click?.();
    await until(() => findItem(fake.trays[0]?.menu ?? [], 'role:fc-admin')?.label === 'fc-admin', 'the tray to show the stopped role');
    const config = await readJson<{ current?: string; profiles: Array<{ name: string }> }>(path.join(tmp, '.aliyun', 'config.json'));
    expect(config.profiles.map((p) => p.name)).not.toContain('roletray-fc-admin');
  });

  it('a failed tray action becomes a notification (notifications on by default)', async () => {
    expect(await invoke('roletray:add-role', { name: 'revoked', arn: `acs:ram::${ACCOUNT_A}:role/revoked-role`, source: 'me' })).toEqual({ ok: true, value: null });
    await until(() => findItem(fake.trays[0]?.menu ?? [], 'role:revoked:switch') !== undefined, 'the new role in the tray');
    findItem(fake.trays[0]?.menu ?? [], 'role:revoked:switch')?.click?.();
    await until(() => fake.notifications.length > 0, 'a notification');
    expect(fake.notifications.at(-1)?.title).toBe('RoleTray: Could not switch to revoked');
  });

  it('the "Launch at login" toggle persists the setting (a dev build does not register itself)', async () => {
    findItem(fake.trays[0]?.menu ?? [], 'launch-at-login')?.click?.();
    await until(() => findItem(fake.trays[0]?.menu ?? [], 'launch-at-login')?.checked === true, 'the checkbox to turn on');
    const catalog = await readJson<{ settings: { launchAtLogin: boolean } }>(path.join(tmp, 'data', 'catalog.json'));
    expect(catalog.settings.launchAtLogin).toBe(true);
    expect(fake.log.some((l) => l.startsWith('setLoginItemSettings'))).toBe(false);
  });

  it('second launch shows the window; closing it hides it instead of quitting', () => {
    const w = fake.windows[0];
    let prevented = false;
    w?.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(w?.visible).toBe(false);
    fake.appEvents.emit('second-instance');
    expect(w?.visible).toBe(true);
    expect(fake.windows).toHaveLength(1);
  });

  it('"Try the sandbox" starts the embedded STS once and reports its URL', async () => {
    expect(await invoke('roletray:start-sandbox')).toEqual({ ok: true, value: null });
    expect(await invoke('roletray:start-sandbox')).toEqual({ ok: true, value: null });
    const snap = (await invoke('roletray:get-snapshot')) as { sandbox: { running: boolean; url: string } };
    expect(snap.sandbox.running).toBe(true);
    expect(snap.sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('quits in order: the will-quit handler stops work, then quits', async () => {
    fake.appEvents.emit('before-quit');
    let prevented = false;
    fake.appEvents.emit('will-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await until(() => fake.log.at(-1) === 'quit', 'app.quit()');
    expect(fake.trays[0]?.destroyed).toBe(true);
  });
});
