/**
 * The tray icon: maps the pure model of core/common/tray-model.ts onto Electron's Menu and Tray.
 *
 * Re-renders on every snapshot main receives, and otherwise only when a time label changes (one
 * timer at the next minute boundary of a live session; none while idle), so an idle tray never
 * wakes the CPU.
 * @see STYLE.md recommendation 12
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { TrayAction, TrayIconState, TrayItem, TrayModel, TrayState } from '../core/common/tray-model';
import { buildTrayModel, nextTrayUpdate } from '../core/common/tray-model';

/** Maps our template onto Electron's; each click dispatches the item's action. */
export function toMenuTemplate(items: ReadonlyArray<TrayItem>, dispatch: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((it): MenuItemConstructorOptions => {
    if (it.type === 'separator') return { id: it.id, type: 'separator' };
    const base: MenuItemConstructorOptions = { id: it.id, label: it.label ?? '', enabled: it.enabled !== false };
    if (it.type === 'submenu') return { ...base, type: 'submenu', submenu: toMenuTemplate(it.submenu ?? [], dispatch) };
    const action = it.action;
    const click = action ? () => dispatch(action) : undefined;
    if (it.type === 'checkbox') return { ...base, type: 'checkbox', checked: it.checked === true, ...(click ? { click } : {}) };
    return { ...base, type: 'normal', ...(click ? { click } : {}) };
  });
}

/** Icon file base name per state; macOS uses monochrome template images (menu bar tints them). */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  const base = state === 'normal' ? 'tray' : `tray-${state}`;
  return platform === 'darwin' ? `${base}Template.png` : `${base}.png`;
}

/** The slice of Electron's Tray the controller uses. */
export interface TrayLike<Img, M> {
  setContextMenu(menu: M | null): void;
  setToolTip(toolTip: string): void;
  setTitle(title: string): void;
  setImage(image: Img): void;
  destroy(): void;
}

export interface TrayControllerDeps<Img, M> {
  createTray(image: Img): TrayLike<Img, M>;
  buildMenu(template: MenuItemConstructorOptions[]): M;
  loadIcon(state: TrayIconState): Img;
  platform: NodeJS.Platform;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  onAction(action: TrayAction): void;
}

export interface TrayController {
  /** Renders the tray for a new state (creating the tray on first call). */
  update(state: TrayState): void;
  /** The model last rendered (for tests and e2e evaluation). */
  model(): TrayModel | null;
  /** When the pending label timer fires, or null when none is armed. */
  timerAt(): number | null;
  destroy(): void;
}

/** Owns the Tray: renders the model on update() and at label boundaries; clicks go to deps.onAction. */
export function createTrayController<Img, M>(deps: TrayControllerDeps<Img, M>): TrayController {
  let tray: TrayLike<Img, M> | null = null;
  let state: TrayState | null = null;
  let last: TrayModel | null = null;
  let lastMenuKey = '';
  let lastIcon: TrayIconState | null = null;
  let timer: unknown = null;
  let timerAt: number | null = null;

  const disarm = (): void => {
    if (timer !== null) deps.clearTimer(timer);
    timer = null;
    timerAt = null;
  };

  const render = (): void => {
    if (!state) return;
    const now = deps.now();
    const model = buildTrayModel(state, now);
    if (!tray) {
      tray = deps.createTray(deps.loadIcon(model.icon));
      lastIcon = model.icon;
    } else if (model.icon !== lastIcon) {
      tray.setImage(deps.loadIcon(model.icon));
      lastIcon = model.icon;
    }
    // Rebuild the native menu only when something in it changed (labels, flags, structure).
    const key = JSON.stringify(model.items);
    if (key !== lastMenuKey) {
      tray.setContextMenu(deps.buildMenu(toMenuTemplate(model.items, deps.onAction)));
      lastMenuKey = key;
    }
    if (!last || last.tooltip !== model.tooltip) tray.setToolTip(model.tooltip);
    if (deps.platform === 'darwin' && (!last || last.title !== model.title)) tray.setTitle(model.title);
    last = model;
    arm(now);
  };

  const arm = (now: number): void => {
    const at = state ? nextTrayUpdate(state, now) : null;
    if (at === timerAt && timer !== null) return;
    disarm();
    if (at === null) return;
    timerAt = at;
    timer = deps.setTimer(() => {
      timer = null;
      timerAt = null;
      render();
    }, Math.max(0, at - now));
  };

  return {
    update(s) {
      state = s;
      render();
    },
    model: () => last,
    timerAt: () => timerAt,
    destroy() {
      disarm();
      tray?.destroy();
      tray = null;
      state = null;
    },
  };
}
