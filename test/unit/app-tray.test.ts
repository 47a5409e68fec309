/**
 * The tray controller with fake Tray/Menu/timers: template mapping, click dispatch, rebuilds only
 * on change, icon switching, macOS title, and a label timer that exists only while a session is live.
 */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../main/core/common/model';
import type { TrayAction, TrayIconState, TrayState } from '../../main/core/common/tray-model';
import { buildTrayModel } from '../../main/core/common/tray-model';
import { createTrayController, toMenuTemplate, trayIconFile } from '../../main/app/tray';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

function session(role: string, over: Partial<SessionView> = {}): SessionView {
  return { role, profile: role, state: 'active', expiresAt: T0 + 30 * MIN + 15_000, issuedAt: T0, assumedRoleArn: null, current: false, error: null, note: null, ...over };
}

function state(over: Partial<TrayState> = {}): TrayState {
  return {
    identities: [{ name: 'me' }],
    roles: [{ name: 'fc-admin', profile: 'fc-admin', accountId: '1234567890123456', accountLabel: 'acme-prod' }],
    sessions: [],
    settings: { launchAtLogin: false },
    currentProfile: null,
    sandbox: { running: false, url: null },
    problems: [],
    ...over,
  };
}

function harness(platform: NodeJS.Platform = 'linux') {
  let now = T0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let seq = 0;
  const calls = { menus: 0, images: [] as TrayIconState[], tooltips: [] as string[], titles: [] as string[], destroyed: 0 };
  let lastTemplate: MenuItemConstructorOptions[] = [];
  const actions: TrayAction[] = [];
  const ctl = createTrayController<TrayIconState, MenuItemConstructorOptions[]>({
    createTray(img) {
      calls.images.push(img);
      return {
        setContextMenu(m) {
          calls.menus++;
          lastTemplate = m ?? [];
        },
        setToolTip: (t) => void calls.tooltips.push(t),
        setTitle: (t) => void calls.titles.push(t),
        setImage: (i) => void calls.images.push(i),
        destroy: () => void calls.destroyed++,
      };
    },
    buildMenu: (t) => t,
    loadIcon: (s) => s,
    platform,
    now: () => now,
    setTimer(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimer: (h) => void timers.delete(h as number),
    onAction: (a) => void actions.push(a),
  });
  return {
    ctl,
    calls,
    actions,
    timers,
    template: () => lastTemplate,
    /** Advance the fake clock, firing due timers in order. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
  };
}

describe('toMenuTemplate', () => {
  it('maps items, submenus, separators and checkboxes; clicks dispatch the item action', () => {
    const model = buildTrayModel(state({ sessions: [session('fc-admin')], currentProfile: 'fc-admin' }), T0);
    const got: TrayAction[] = [];
    const tpl = toMenuTemplate(model.items, (a) => got.push(a));
    const roleItem = tpl.find((i) => i.id === 'role:fc-admin');
    expect(roleItem?.type).toBe('submenu');
    expect(roleItem?.label).toBe('✓ fc-admin — 30m');
    // Electron allows `checked` only on checkbox/radio items: the submenu carries the mark in its label.
    expect(roleItem && 'checked' in roleItem).toBe(false);
    const sub = roleItem?.submenu as MenuItemConstructorOptions[];
    const sw = sub.find((i) => i.id === 'role:fc-admin:switch');
    (sw?.click as () => void)();
    expect(got).toEqual([{ kind: 'switch', role: 'fc-admin' }]);
    const login = tpl.find((i) => i.id === 'launch-at-login');
    expect(login).toMatchObject({ type: 'checkbox', checked: false, enabled: true });
    expect(tpl.filter((i) => i.type === 'separator').every((i) => Object.keys(i).sort().join() === 'id,type')).toBe(true);
    const header = tpl.find((i) => i.id === 'current');
    expect(header).toMatchObject({ enabled: false });
    expect(header?.click).toBeUndefined();
  });
});

describe('trayIconFile', () => {
  it('uses template images on macOS and coloured ones elsewhere', () => {
    expect(trayIconFile('normal', 'darwin')).toBe('trayTemplate.png');
    expect(trayIconFile('expiring', 'darwin')).toBe('tray-expiringTemplate.png');
    expect(trayIconFile('error', 'win32')).toBe('tray-error.png');
    expect(trayIconFile('normal', 'linux')).toBe('tray.png');
  });
});

describe('createTrayController', () => {
  it('creates the tray on the first update and arms no timer while idle', () => {
    const h = harness();
    h.ctl.update(state());
    expect(h.calls.images).toEqual(['normal']);
    expect(h.calls.menus).toBe(1);
    expect(h.calls.tooltips).toEqual(['RoleTray — no active role']);
    expect(h.ctl.timerAt()).toBeNull();
    expect(h.timers.size).toBe(0);
  });

  it('re-renders labels at each minute boundary while a session is live, then stops', () => {
    const h = harness();
    h.ctl.update(state({ sessions: [session('fc-admin', { expiresAt: T0 + 2 * MIN + 15_000 })], currentProfile: 'fc-admin' }));
    expect(h.ctl.timerAt()).toBe(T0 + 15_000);
    expect(h.timers.size).toBe(1);
    const label = (): string | undefined => h.template().find((i) => i.id === 'role:fc-admin')?.label;
    expect(label()).toBe('✓ fc-admin — 2m');
    h.advance(15_000);
    expect(label()).toBe('✓ fc-admin — 1m');
    h.advance(MIN);
    expect(label()).toBe('✓ fc-admin — <1m');
    h.advance(MIN);
    expect(label()).toBe('✓ ⚠ fc-admin — expired');
    expect(h.calls.images.at(-1)).toBe('expiring');
    expect(h.ctl.timerAt()).toBeNull();
    expect(h.timers.size).toBe(0);
  });

  it('never holds more than one timer, whatever the number of sessions', () => {
    const h = harness();
    const sessions = Array.from({ length: 20 }, (_, i) => session(`r${i}`, { expiresAt: T0 + (i + 1) * 7_919 + 5 * MIN }));
    h.ctl.update(state({ sessions }));
    for (let i = 0; i < 10; i++) {
      h.advance(13_000);
      expect(h.timers.size).toBeLessThanOrEqual(1);
    }
  });

  it('rebuilds the native menu only when the model changed', () => {
    const h = harness();
    const s = state({ sessions: [session('fc-admin')] });
    h.ctl.update(s);
    h.ctl.update({ ...s });
    h.ctl.update({ ...s, sessions: [...s.sessions] });
    expect(h.calls.menus).toBe(1);
    h.ctl.update({ ...s, sessions: [session('fc-admin', { state: 'refreshing' })] });
    expect(h.calls.menus).toBe(2);
  });

  it('switches the icon with the state, only when it changes', () => {
    const h = harness();
    h.ctl.update(state({ sessions: [session('fc-admin')] }));
    h.ctl.update(state({ sessions: [session('fc-admin', { state: 'expiring' })] }));
    h.ctl.update(state({ sessions: [session('fc-admin', { state: 'expiring' })] }));
    h.ctl.update(state({ sessions: [session('fc-admin', { state: 'error' })] }));
    h.ctl.update(state({ sessions: [session('fc-admin')] }));
    expect(h.calls.images).toEqual(['normal', 'expiring', 'error', 'normal']);
  });

  it('sets the menu-bar title on macOS only', () => {
    const mac = harness('darwin');
    mac.ctl.update(state({ sessions: [session('fc-admin')], currentProfile: 'fc-admin' }));
    expect(mac.calls.titles).toEqual(['fc-admin 30m']);
    const linux = harness('linux');
    linux.ctl.update(state({ sessions: [session('fc-admin')], currentProfile: 'fc-admin' }));
    expect(linux.calls.titles).toEqual([]);
  });

  it('dispatches clicks to onAction and destroys cleanly', () => {
    const h = harness();
    h.ctl.update(state({ sessions: [session('fc-admin')] }));
    const quit = h.template().find((i) => i.id === 'quit');
    (quit?.click as () => void)();
    expect(h.actions).toEqual([{ kind: 'quit' }]);
    h.ctl.destroy();
    expect(h.calls.destroyed).toBe(1);
    expect(h.timers.size).toBe(0);
  });
});
