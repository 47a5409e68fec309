/**
 * Security policy of the Electron shell, as pure functions (unit-tested) plus one installer.
 *
 * - The renderer is served from our own privileged scheme `roletray://app/` (never file://), so
 *   its origin is ours alone and the IPC sender check can name it.
 * - A strict Content-Security-Policy on every response (the renderer's index.html carries the same
 *   policy in a meta tag).
 * - Navigation, new windows, <webview> and permission requests are denied app-wide.
 * - External links open only through safeOpenExternal (https + allow-list, loopback for the sandbox).
 *
 * @see STYLE.md "Electron security checklist"; Electron security tutorial items 7, 13-15, 18.
 */
import path from 'node:path';
import type { App, Session, WebContents } from 'electron';

export const APP_SCHEME = 'roletray';
export const APP_HOST = 'app';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Where the renderer may be loaded from: our scheme, plus a loopback dev server in development. */
export interface AppOrigins {
  /** e.g. "http://127.0.0.1:5173"; only ever set when !app.isPackaged. */
  devOrigin?: string | null | undefined;
}

/** Is `url` a page of our own app (the roletray:// scheme, or the dev server origin)? */
export function isAppUrl(url: string | null | undefined, origins: AppOrigins = {}): boolean {
  if (!url) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  // Node's URL gives non-special schemes the opaque origin "null": compare scheme and host.
  if (u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '') return true;
  return origins.devOrigin != null && u.origin === origins.devOrigin;
}

/**
 * The IPC sender check: only a WebContents we created, only its main frame, only our origin.
 *
 * @param frameUrl - URL of the sending frame (event.senderFrame.url), null when the frame is gone
 * @param isMainFrame - whether that frame is the top frame of its page (frame.parent === null)
 * @param knownWebContentsIds - ids of the WebContents of our own windows
 * @param id - id of the sending WebContents (event.sender.id)
 * @see STYLE.md recommendation 4; Electron security tutorial item 17
 */
export function isTrustedSender(
  frameUrl: string | null | undefined,
  isMainFrame: boolean,
  knownWebContentsIds: ReadonlySet<number> | ReadonlyArray<number>,
  id: number,
  origins: AppOrigins = {},
): boolean {
  const known = knownWebContentsIds instanceof Set ? knownWebContentsIds.has(id) : (knownWebContentsIds as ReadonlyArray<number>).includes(id);
  return known && isMainFrame && isAppUrl(frameUrl, origins);
}

/**
 * The Content-Security-Policy of the renderer.
 *
 * connect-src 'none' works because every network call (STS, sign-in) is made by main. A dev
 * server (development only) additionally needs its own origin and websocket for hot reload.
 * @see STYLE.md recommendation 15
 */
export function contentSecurityPolicy(origins: AppOrigins = {}): string {
  const dev = origins.devOrigin ?? null;
  const ws = dev ? dev.replace(/^http/, 'ws') : null;
  const directives: Array<[string, string]> = [
    ['default-src', "'none'"],
    ['script-src', dev ? `'self' ${dev} 'unsafe-inline'` : "'self'"],
    ['style-src', dev ? `'self' ${dev} 'unsafe-inline'` : "'self'"],
    ['img-src', "'self' data:"],
    ['font-src', "'self'"],
    ['connect-src', dev ? `'self' ${dev} ${ws}` : "'none'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
    ['frame-ancestors', "'none'"],
    ['frame-src', "'none'"],
    ['worker-src', "'none'"],
  ];
  return directives.map(([k, v]) => `${k} ${v}`).join('; ');
}

/** Accepts a dev-server URL only when it is plain http(s) on a loopback host; returns its origin. */
export function devServerOrigin(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
    return (u.protocol === 'http:' || u.protocol === 'https:') && loopback ? u.origin : null;
  } catch {
    return null;
  }
}

const CONSOLE_HOSTS = ['signin.aliyun.com', 'signin.alibabacloud.com'];
const CONSOLE_DOMAINS = ['.console.aliyun.com', '.console.alibabacloud.com'];

/**
 * May this URL be handed to the OS browser? https to Alibaba Cloud sign-in/console hosts, or
 * http(s) on loopback (the sandbox's sign-in stand-in). Anything else is refused.
 * @see STYLE.md recommendation 14 (safeOpenExternal)
 */
export function isAllowedExternalUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username !== '' || u.password !== '') return false;
  const host = u.hostname.toLowerCase();
  if ((u.protocol === 'http:' || u.protocol === 'https:') && (host === '127.0.0.1' || host === '[::1]' || host === 'localhost')) return true;
  if (u.protocol !== 'https:') return false;
  return CONSOLE_HOSTS.includes(host) || CONSOLE_DOMAINS.some((d) => host.endsWith(d));
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Maps a roletray://app/… request onto a file under the renderer's root directory.
 *
 * Returns null for other schemes/hosts, encoded traversal ("..", NUL, backslashes) and anything
 * that would resolve outside `rootDir`.
 */
export function resolveAppAsset(rootDir: string, requestUrl: string): { file: string; mime: string } | null {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '' || rel === '/') rel = '/index.html';
  const segments = rel.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return null;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${path.posix.normalize(rel)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  const mime = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return { file, mime };
}

/** Response headers of every renderer resource we serve. */
export function appResponseHeaders(mime: string, origins: AppOrigins = {}): Record<string, string> {
  return {
    'Content-Type': mime,
    'Content-Security-Policy': contentSecurityPolicy(origins),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

interface SecurityLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

/**
 * App-wide policy for every WebContents ever created: no navigation, no popups, no <webview>.
 * @see STYLE.md recommendation 14; Electron security tutorial items 13-15
 */
export function installNavigationPolicy(app: Pick<App, 'on'>, logger: SecurityLogger): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (e, url) => {
      e.preventDefault();
      logger.warn('navigation blocked', { url: String(url).slice(0, 200) });
    });
    contents.on('will-frame-navigate', (e) => {
      if (!e.isMainFrame) {
        e.preventDefault();
        logger.warn('frame navigation blocked', { url: String(e.url).slice(0, 200) });
      }
    });
    contents.on('will-redirect', (e, url) => {
      e.preventDefault();
      logger.warn('redirect blocked', { url: String(url).slice(0, 200) });
    });
    contents.on('will-attach-webview', (e) => {
      e.preventDefault();
      logger.warn('webview blocked');
    });
    contents.setWindowOpenHandler(({ url }) => {
      logger.warn('window.open blocked', { url: String(url).slice(0, 200) });
      return { action: 'deny' };
    });
  });
}

/**
 * Session policy: deny every permission request and check, and add the CSP header to every
 * response the renderer's session receives.
 * @see STYLE.md recommendations 14-15; Electron security tutorial items 5, 7
 */
export function installSessionPolicy(session: Session, origins: AppOrigins = {}): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  const csp = contentSecurityPolicy(origins);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-security-policy') delete headers[k];
    headers['Content-Security-Policy'] = [csp];
    callback({ responseHeaders: headers });
  });
}
