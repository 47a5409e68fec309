/**
 * The main window: its secure options (one pure function, unit-tested) and a small manager that
 * creates it on demand, hides it instead of closing (the app lives in the tray), toggles the
 * macOS dock icon with it, and delivers "focus this role" requests once the page has loaded.
 *
 * @see STYLE.md recommendation 13; checklist "contextIsolation, sandbox, nodeIntegration, webviewTag"
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { emit } from './ipc';

export interface MainWindowExtras {
  /** DevTools: only in development (false in packaged builds). */
  devTools?: boolean | undefined;
  /** Window icon (Linux/Windows). */
  icon?: string | undefined;
}

/** Options of the main window; every security flag is explicit, whatever Electron's defaults are. */
export function mainWindowOptions(preloadPath: string, extras: MainWindowExtras = {}): BrowserWindowConstructorOptions {
  return {
    width: 980,
    height: 700,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'RoleTray',
    backgroundColor: '#1f2328',
    autoHideMenuBar: true,
    ...(extras.icon ? { icon: extras.icon } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: extras.devTools ?? false,
    },
  };
}

/** The slice of BrowserWindow the manager uses (so tests can pass a fake). */
export interface WindowLike {
  readonly webContents: {
    readonly id: number;
    isDestroyed(): boolean;
    isLoading(): boolean;
    send(channel: string, ...args: unknown[]): void;
    once(event: 'did-finish-load', listener: () => void): unknown;
  };
  on(event: 'close', listener: (e: { preventDefault(): void }) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isDestroyed(): boolean;
}

export interface WindowManagerDeps<W extends WindowLike> {
  create(): W;
  url: string;
  /** macOS dock (app.dock); undefined elsewhere. */
  dock?: { show(): Promise<void> | void; hide(): void } | undefined;
  isQuitting(): boolean;
  onError?(msg: string, fields?: Record<string, unknown>): void;
}

export interface WindowManager<W extends WindowLike> {
  /** Shows (creating if needed) and focuses the window; optionally focuses a role in it. */
  show(focusRole?: string | null): W;
  hide(): void;
  /** The window if it exists and is not destroyed. */
  current(): W | null;
  webContentsIds(): ReadonlySet<number>;
}

/** One main window, created on first show(); close hides it (unless quitting); dock follows it. */
export function createWindowManager<W extends WindowLike>(deps: WindowManagerDeps<W>): WindowManager<W> {
  let win: W | null = null;
  const ids = new Set<number>();
  let pendingFocus: string | null = null;

  const deliverFocus = (w: W): void => {
    if (pendingFocus === null) return;
    if (w.webContents.isDestroyed()) return;
    if (w.webContents.isLoading()) return; // delivered on did-finish-load
    emit(w.webContents, 'roletray:focus-role', pendingFocus);
    pendingFocus = null;
  };

  const create = (): W => {
    const w = deps.create();
    const id = w.webContents.id;
    ids.add(id);
    w.on('close', (e) => {
      // The app lives in the tray: closing the window hides it, unless the app is quitting.
      if (!deps.isQuitting()) {
        e.preventDefault();
        hide();
      }
    });
    w.on('closed', () => {
      ids.delete(id);
      if (win === w) win = null;
    });
    w.once('ready-to-show', () => {
      w.show();
    });
    w.webContents.once('did-finish-load', () => deliverFocus(w));
    w.loadURL(deps.url).catch((e: unknown) => deps.onError?.('window failed to load', { error: e instanceof Error ? e.message : String(e) }));
    return w;
  };

  const hide = (): void => {
    if (win && !win.isDestroyed()) win.hide();
    deps.dock?.hide();
  };

  return {
    show(focusRole) {
      if (focusRole) pendingFocus = focusRole;
      const fresh = !win || win.isDestroyed();
      if (fresh) win = create();
      const w = win as W;
      const shown = deps.dock?.show();
      if (shown instanceof Promise) shown.catch(() => undefined);
      if (!fresh) {
        if (w.isMinimized()) w.restore();
        w.show();
        w.focus();
        deliverFocus(w);
      }
      return w;
    },
    hide,
    current() {
      return win && !win.isDestroyed() ? win : null;
    },
    webContentsIds() {
      return ids;
    },
  };
}
