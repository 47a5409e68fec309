/**
 * Electron main process: the composition root of the tray app. Glue only — every decision lives
 * in main/core or in the small tested modules next to this file.
 *
 * Order matters: paths, scheme and sandbox are set before `ready`; the single-instance lock is
 * taken before anything touches the data directory.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, clipboard, ipcMain, Menu, nativeImage, net, Notification, powerMonitor, protocol, session, shell, Tray } from 'electron';
import type { AppSnapshot } from '../../preload/contract';
import { createApiBackend } from '../core/api-backend';
import type { TrayAction, TrayIconState } from '../core/common/tray-model';
import { RoleTrayError, redact } from '../core/errors';
import { createCore } from '../core/index';
import { resolvePaths } from '../core/paths';
import { RefreshScheduler } from '../core/scheduler';
import type { SandboxHandle } from '../sandbox/index';
import { startSandbox } from '../sandbox/index';
import { actionFailureTitle, createTrayActions } from './actions';
import { emit, registerIpcHandlers } from './ipc';
import { APP_ID, CLIPBOARD_CLEAR_MS, isE2eMode, PRODUCT_NAME, showWindowAtStart } from './lifecycle';
import { createLoginItemSync } from './login-item';
import { createNotifier, schedulerNotice } from './notifications';
import { createPowerWatcher } from './power';
import type { AppOrigins } from './security';
import { APP_ENTRY_URL, APP_SCHEME, appResponseHeaders, devServerOrigin, installNavigationPolicy, installSessionPolicy, isAllowedExternalUrl, resolveAppAsset } from './security';
import type { TrayController } from './tray';
import { createTrayController, trayIconFile } from './tray';
import { createWindowManager, mainWindowOptions } from './window';

function main(): void {
  const env = process.env;
  app.setName(PRODUCT_NAME);
  // One data directory for the app and the CLI: ROLETRAY_HOME, else the same userData path
  // Electron would pick (core/paths.ts computes it for both). Chromium's own files go below it.
  const paths = resolvePaths(env);
  app.setPath('userData', paths.dataDir);
  app.setPath('sessionData', path.join(paths.dataDir, 'chromium'));

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  const e2e = isE2eMode(env, app.isPackaged);
  const devUrl = app.isPackaged ? null : devServerOrigin(env['ROLETRAY_RENDERER_URL']);
  const origins: AppOrigins = { devOrigin: devUrl };
  const entryUrl = devUrl && env['ROLETRAY_RENDERER_URL'] ? env['ROLETRAY_RENDERER_URL'] : APP_ENTRY_URL;
  const appDir = app.getAppPath();
  const assetsDir = path.join(appDir, 'assets');
  const rendererDir = path.join(appDir, 'dist', 'renderer');
  const preloadPath = path.join(appDir, 'dist', 'preload', 'index.cjs');

  // @see STYLE.md checklist: sandbox every renderer; privileged scheme instead of file://.
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  const core = createCore({ env, paths });
  const logger = core.logger;
  installNavigationPolicy(app, logger);
  // A tray app keeps running after a stray error: log it (redacted), and show it in development.
  const onStray = (what: string) => (e: unknown) => {
    const text = redact(e instanceof Error ? (e.stack ?? e.message) : String(e));
    logger.error(what, { error: text });
    if (!app.isPackaged) console.error(`${what}: ${text}`);
  };
  process.on('uncaughtException', onStray('uncaught exception'));
  process.on('unhandledRejection', onStray('unhandled rejection'));

  let quitting = false;
  let sandbox: SandboxHandle | null = null;
  let sandboxStarting: Promise<SandboxHandle> | null = null;
  let tray: TrayController | null = null;

  const windows = createWindowManager({
    create: () => new BrowserWindow(mainWindowOptions(preloadPath, { devTools: !app.isPackaged, icon: path.join(assetsDir, 'icon.png') })),
    url: entryUrl,
    dock: app.dock,
    isQuitting: () => quitting,
    onError: (msg, fields) => logger.error(msg, fields),
  });

  app.on('second-instance', () => windows.show());
  app.on('activate', () => windows.show());
  // The app lives in the tray: closing the last window does not quit.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => {
    quitting = true;
  });

  const backend = createApiBackend(core, {
    async openExternal(url) {
      // @see STYLE.md recommendation 14: https + allow-list (loopback for the sandbox).
      if (!isAllowedExternalUrl(url)) throw new RoleTrayError('invalid-input', `refusing to open ${safeHost(url)} in the browser`);
      await shell.openExternal(url);
    },
    async writeClipboard(text) {
      await clipboard.writeText(text);
      // The exports hold STS secrets: wipe them after a while if nothing else was copied since.
      setTimeout(() => {
        clipboard.readText().then(
          (now) => {
            if (now === text) clipboard.clear();
          },
          () => undefined,
        );
      }, CLIPBOARD_CLEAR_MS).unref();
    },
    async startSandbox() {
      sandboxStarting ??= startSandbox({}).then((h) => {
        sandbox = h;
        logger.info('sandbox started', { url: h.url });
        return h;
      });
      sandboxStarting.catch(() => {
        sandboxStarting = null;
      });
      return { url: (await sandboxStarting).url };
    },
  });

  const notifications = new Set<Notification>();
  const notifier = createNotifier({
    enabled: () => core.manager.lastCatalog?.settings.notifications ?? true,
    now: () => Date.now(),
    open: (role) => windows.show(role),
    show({ title, body, onClick }) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title, body });
      // Keep a reference until it is gone, or its click handler may be collected.
      notifications.add(n);
      n.on('click', () => {
        notifications.delete(n);
        onClick();
      });
      n.on('close', () => notifications.delete(n));
      n.show();
    },
  });

  const scheduler = new RefreshScheduler(core.manager, { onNotice: (n) => notifier.notify(schedulerNotice(n)) });

  const applyLoginItem = createLoginItemSync({
    platform: process.platform,
    isPackaged: app.isPackaged && !e2e,
    execPath: env['APPIMAGE'] ?? process.execPath,
    setLoginItemSettings: (s) => app.setLoginItemSettings(s),
    async writeAutostart(content) {
      const file = path.join(env['XDG_CONFIG_HOME'] ?? path.join(os.homedir(), '.config'), 'autostart', 'roletray.desktop');
      if (content === null) await rm(file, { force: true });
      else {
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, content, { mode: 0o644 });
      }
    },
    logger,
  });

  const runAction = createTrayActions({
    backend,
    showWindow: (role) => windows.show(role ?? null),
    quit: () => app.quit(),
    reportError: (action: TrayAction, error) => {
      logger.warn('tray action failed', { action: action.kind, code: error.code });
      const role = 'role' in action ? action.role : null;
      if (!notifier.notify({ kind: 'action-failed', role, title: actionFailureTitle(action), body: error.hint ? `${error.message}. ${error.hint}` : error.message })) {
        windows.show(role);
      }
    },
  });

  const onSnapshot = (s: AppSnapshot): void => {
    tray?.update(s);
    emit(windows.current()?.webContents, 'roletray:snapshot', s);
    notifier.observe(s);
    void applyLoginItem(s.settings.launchAtLogin);
  };

  app
    .whenReady()
    .then(async () => {
      protocol.handle(APP_SCHEME, async (request) => {
        const hit = request.method === 'GET' ? resolveAppAsset(rendererDir, request.url) : null;
        if (hit) {
          try {
            return new Response(await readFile(hit.file), { headers: appResponseHeaders(hit.mime, origins) });
          } catch {
            /* not found below */
          }
        }
        return new Response('not found', { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8', origins) });
      });
      installSessionPolicy(session.defaultSession, origins);

      registerIpcHandlers({ ipcMain, backend, knownWebContentsIds: () => windows.webContentsIds(), origins, logger });
      backend.onSnapshot(onSnapshot);

      let trayAvailable = true;
      try {
        tray = createTrayController({
          createTray(image) {
            const t = new Tray(image);
            // Windows: a left click opens the window; the menu stays on right click.
            if (process.platform === 'win32') t.on('click', () => windows.show());
            return t;
          },
          buildMenu: (template) => Menu.buildFromTemplate(template),
          loadIcon: (state: TrayIconState) => {
            const img = nativeImage.createFromPath(path.join(assetsDir, trayIconFile(state, process.platform)));
            if (process.platform === 'darwin') img.setTemplateImage(true);
            return img;
          },
          platform: process.platform,
          now: () => Date.now(),
          setTimer: (fn, ms) => setTimeout(fn, ms),
          clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
          onAction: (a) => void runAction(a),
        });
      } catch (e) {
        trayAvailable = false;
        logger.warn('tray unavailable', { error: e instanceof Error ? e.message : String(e) });
      }

      // Loads the keychain-cached sessions (status()), so the scheduler sees them at start-up.
      const first = await backend.snapshot();
      onSnapshot(first);
      scheduler.start();
      scheduler.kick().catch((e: unknown) => logger.warn('start-up refresh failed', { error: e instanceof Error ? e.message : String(e) }));

      const power = createPowerWatcher({
        powerMonitor,
        isOnline: () => net.isOnline(),
        kick: () => scheduler.kick(),
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
        logger,
      });
      app.on('will-quit', () => power.dispose());

      if (showWindowAtStart({ argv: process.argv, identities: first.identities.length, trayAvailable, e2e })) windows.show();
      logger.info('RoleTray started', { version: app.getVersion(), dataDir: paths.dataDir, packaged: app.isPackaged, e2e });
    })
    .catch((e: unknown) => {
      logger.error('start-up failed', { error: redact(e instanceof Error ? (e.stack ?? e.message) : String(e)) });
      app.exit(1);
    });

  let cleaned = false;
  app.on('will-quit', (e) => {
    if (cleaned) return;
    e.preventDefault();
    cleaned = true;
    scheduler.stop();
    backend.dispose();
    tray?.destroy();
    const done = Promise.allSettled([core.writer.flush(), sandbox?.close() ?? Promise.resolve()]);
    const timeout = new Promise((resolve) => setTimeout(resolve, 3_000));
    void Promise.race([done, timeout]).finally(() => app.quit());
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host || 'that address';
  } catch {
    return 'that address';
  }
}

main();
