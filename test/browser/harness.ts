/**
 * Browser-test harness for the renderer: builds dist with Vite into a temp dir, serves it from a
 * tiny node:http server on 127.0.0.1, launches Debian's Chromium through playwright-core, and
 * installs `window.roletray` in the page as a thin bridge to a REAL ApiBackend (core + sandbox STS
 * + keychain), the same backend main/app forwards ipcMain to.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import type { ApiBackend } from '../../main/core/api-backend';
import type { Channel } from '../../preload/contract';
import { METHOD_CHANNELS } from '../../preload/contract';

export const CHROMIUM = '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** Build the renderer into a fresh temp dir (so parallel test files never share an outDir). */
export async function buildRendererTo(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'roletray-renderer-'));
  await build({
    configFile: path.join(REPO, 'renderer', 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Static file server for a built renderer, bound to 127.0.0.1 on an ephemeral port. */
export async function serveStatic(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = path.join(dir, rel === '/' ? 'index.html' : rel);
      if (!file.startsWith(dir + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      const st = await stat(file).catch(() => null);
      if (!st?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * The page side of the bridge: window.roletray per RoleTrayApi, forwarding every method to the
 * `__roletrayInvoke` binding (METHOD_CHANNELS maps method -> channel, as the preload does) and
 * receiving events through `__roletrayEmit`. Also records CSP violations.
 */
function bridgeScript(): string {
  return `(() => {
  const methods = ${JSON.stringify(METHOD_CHANNELS)};
  const listeners = { snapshot: new Set(), focus: new Set() };
  const api = {};
  for (const [method, channel] of Object.entries(methods)) {
    api[method] = (...args) => window.__roletrayInvoke(channel, args);
  }
  api.onSnapshot = (cb) => { listeners.snapshot.add(cb); return () => { listeners.snapshot.delete(cb); }; };
  api.onFocusRole = (cb) => { listeners.focus.add(cb); return () => { listeners.focus.delete(cb); }; };
  Object.defineProperty(window, 'roletray', { value: Object.freeze(api), configurable: false, writable: false });
  Object.defineProperty(window, '__roletrayEmit', {
    value: (event, payload) => { for (const cb of listeners[event] ?? []) cb(payload); },
  });
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__roletrayCsp(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
  }, true);
})();`;
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  /** CSP violations seen by the page (securitypolicyviolation events and console reports). */
  violations: string[];
  /** Uncaught page errors and console errors. */
  errors: string[];
  /** Push a focus-role event (tray click) into the page. */
  focusRole(role: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  colorScheme?: 'light' | 'dark';
  viewport?: { width: number; height: number };
}

/** Open the renderer in a new context with window.roletray bridged to `backend`. */
export async function openApp(browser: Browser, url: string, backend: ApiBackend, opts: OpenOptions = {}): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1040, height: 720 },
    colorScheme: opts.colorScheme ?? 'light',
    deviceScaleFactor: 1,
  });
  const page = await context.newPage();
  const violations: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy/i.test(text)) violations.push(`console: ${text}`);
    else if (m.type() === 'error') errors.push(`console: ${text}`);
  });
  await page.exposeBinding('__roletrayInvoke', (_src, channel: Channel, args: unknown[]) => backend.invoke(channel, args));
  await page.exposeBinding('__roletrayCsp', (_src, text: string) => void violations.push(text));
  await page.addInitScript(bridgeScript());

  type EmitWindow = { __roletrayEmit?: (event: string, payload: unknown) => void };
  const emit = async (event: 'snapshot' | 'focus', payload: unknown): Promise<void> => {
    await page
      .evaluate(([ev, p]) => (globalThis as unknown as EmitWindow).__roletrayEmit?.(ev as string, p), [event, payload] as const)
      .catch(() => undefined); // page navigating or closed: it fetches a fresh snapshot on load
  };
  const off = backend.onSnapshot((s) => void emit('snapshot', s));
  await page.goto(url);
  return {
    page,
    context,
    violations,
    errors,
    focusRole: (role) => emit('focus', role),
    async close() {
      off();
      await context.close();
    },
  };
}
