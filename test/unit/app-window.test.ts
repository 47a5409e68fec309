/**
 * The main window: security flags asserted on the real options object, and the manager's
 * tray-app behaviour (close hides, dock follows the window, focus-role after load).
 */
import { describe, expect, it } from 'vitest';
import type { WindowLike } from '../../main/app/window';
import { createWindowManager, mainWindowOptions } from '../../main/app/window';

describe('mainWindowOptions', () => {
  const opts = mainWindowOptions('/app/dist/preload/index.cjs');
  const wp = opts.webPreferences ?? {};

  it('isolates and sandboxes the renderer, with no Node', () => {
    expect(wp.contextIsolation).toBe(true);
    expect(wp.sandbox).toBe(true);
    expect(wp.nodeIntegration).toBe(false);
    expect(wp.nodeIntegrationInWorker).toBe(false);
    expect(wp.nodeIntegrationInSubFrames).toBe(false);
  });

  it('disables webview, insecure content and experimental features; keeps web security', () => {
    expect(wp.webviewTag).toBe(false);
    expect(wp.webSecurity).toBe(true);
    expect(wp.allowRunningInsecureContent).toBe(false);
    expect(wp.experimentalFeatures).toBe(false);
    expect(wp.navigateOnDragDrop).toBe(false);
    expect(wp).not.toHaveProperty('enableBlinkFeatures');
    expect(wp).not.toHaveProperty('additionalArguments');
  });

  it('loads our preload and nothing else', () => {
    expect(wp.preload).toBe('/app/dist/preload/index.cjs');
  });

  it('has DevTools off unless asked for (development only)', () => {
    expect(wp.devTools).toBe(false);
    expect(mainWindowOptions('/p', { devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('starts hidden (shown on ready-to-show, no white flash)', () => {
    expect(opts.show).toBe(false);
  });
});

class FakeWindow implements WindowLike {
  static seq = 0;
  readonly listeners = new Map<string, Array<(e: { preventDefault(): void }) => void>>();
  readonly wcListeners = new Map<string, Array<() => void>>();
  readonly sent: unknown[][] = [];
  visible = false;
  destroyed = false;
  loading = true;
  minimized = false;
  loaded: string[] = [];
  focused = 0;
  readonly webContents = {
    id: ++FakeWindow.seq,
    isDestroyed: () => this.destroyed,
    isLoading: () => this.loading,
    send: (...a: unknown[]) => void this.sent.push(a),
    once: (ev: string, fn: () => void) => void this.wcListeners.set(ev, [...(this.wcListeners.get(ev) ?? []), fn]),
  };
  on(ev: string, fn: (e: { preventDefault(): void }) => void): this {
    this.listeners.set(ev, [...(this.listeners.get(ev) ?? []), fn]);
    return this;
  }
  once(ev: string, fn: () => void): this {
    return this.on(ev, fn);
  }
  emit(ev: string, e: { preventDefault(): void } = { preventDefault: () => undefined }): void {
    for (const fn of this.listeners.get(ev) ?? []) fn(e);
  }
  finishLoad(): void {
    this.loading = false;
    this.emit('ready-to-show');
    for (const fn of this.wcListeners.get('did-finish-load') ?? []) fn();
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(quitting: boolean): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented || quitting) {
      this.destroyed = true;
      this.emit('closed');
    }
    return !prevented;
  }
}

function setup(withDock = true) {
  const created: FakeWindow[] = [];
  const dock = { shown: 0, hidden: 0, show: () => void dock.shown++, hide: () => void dock.hidden++ };
  let quitting = false;
  const mgr = createWindowManager<FakeWindow>({
    create: () => {
      const w = new FakeWindow();
      created.push(w);
      return w;
    },
    url: 'roletray://app/index.html',
    dock: withDock ? dock : undefined,
    isQuitting: () => quitting,
  });
  return { mgr, created, dock, quit: () => (quitting = true) };
}

describe('createWindowManager', () => {
  it('creates the window lazily, loads our URL and shows it when ready', () => {
    const s = setup();
    expect(s.mgr.current()).toBeNull();
    const w = s.mgr.show();
    expect(s.created).toHaveLength(1);
    expect(w.loaded).toEqual(['roletray://app/index.html']);
    expect(w.visible).toBe(false);
    w.finishLoad();
    expect(w.visible).toBe(true);
    expect(s.mgr.webContentsIds().has(w.webContents.id)).toBe(true);
    expect(s.dock.shown).toBe(1);
  });

  it('close hides the window (the app stays in the tray) and hides the dock icon', () => {
    const s = setup();
    const w = s.mgr.show();
    w.finishLoad();
    expect(w.close(false)).toBe(false);
    expect(w.visible).toBe(false);
    expect(w.destroyed).toBe(false);
    expect(s.dock.hidden).toBe(1);
    // the second launch / tray click brings back the same window
    expect(s.mgr.show()).toBe(w);
    expect(w.visible).toBe(true);
    expect(w.focused).toBe(1);
    expect(s.created).toHaveLength(1);
  });

  it('really closes when quitting, and forgets the WebContents id', () => {
    const s = setup();
    const w = s.mgr.show();
    s.quit();
    w.close(true);
    expect(s.mgr.current()).toBeNull();
    expect(s.mgr.webContentsIds().size).toBe(0);
  });

  it('delivers focus-role after the page has loaded, or at once when it has', () => {
    const s = setup(false);
    const w = s.mgr.show('fc-admin');
    expect(w.sent).toEqual([]);
    w.finishLoad();
    expect(w.sent).toEqual([['roletray:focus-role', 'fc-admin']]);
    s.mgr.show('readonly');
    expect(w.sent.at(-1)).toEqual(['roletray:focus-role', 'readonly']);
    s.mgr.show();
    expect(w.sent).toHaveLength(2);
  });

  it('restores a minimised window', () => {
    const s = setup(false);
    const w = s.mgr.show();
    w.finishLoad();
    w.minimized = true;
    s.mgr.show();
    expect(w.minimized).toBe(false);
  });
});
