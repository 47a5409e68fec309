/**
 * Lifecycle decisions: the app's data directory equals the CLI's (Electron's userData
 * convention = core resolvePaths), the e2e switch is dead in packaged builds, start-up window
 * rules, and "Launch at login" per platform.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronDefaultUserData, isE2eMode, showWindowAtStart } from '../../main/app/lifecycle';
import { createLoginItemSync, linuxAutostartEntry } from '../../main/app/login-item';
import { resolvePaths } from '../../main/core/paths';

describe('data directory: app and CLI agree', () => {
  const home = path.join(path.sep, 'home', 'eng');
  it.each([
    ['linux', {}],
    ['linux', { XDG_CONFIG_HOME: path.join(home, 'cfg') }],
    ['darwin', {}],
    ['win32', { APPDATA: path.join(home, 'Roaming') }],
    ['win32', {}],
  ] as const)('%s %o', (platform, extra) => {
    const env = { HOME: home, ...extra };
    expect(resolvePaths(env, platform).dataDir).toBe(electronDefaultUserData(platform, env, home));
  });

  it('ROLETRAY_HOME overrides both', () => {
    expect(resolvePaths({ HOME: home, ROLETRAY_HOME: '/tmp/rt' }, 'linux').dataDir).toBe('/tmp/rt');
  });
});

describe('isE2eMode', () => {
  it('only with ROLETRAY_E2E=1 in an unpackaged build', () => {
    expect(isE2eMode({ ROLETRAY_E2E: '1' }, false)).toBe(true);
    expect(isE2eMode({ ROLETRAY_E2E: '1' }, true)).toBe(false);
    expect(isE2eMode({ ROLETRAY_E2E: 'true' }, false)).toBe(false);
    expect(isE2eMode({}, false)).toBe(false);
  });
});

describe('showWindowAtStart', () => {
  const base = { argv: ['RoleTray'], identities: 2, trayAvailable: true, e2e: false };
  it('stays in the tray normally', () => expect(showWindowAtStart(base)).toBe(false));
  it('opens on first run', () => expect(showWindowAtStart({ ...base, identities: 0 })).toBe(true));
  it('a login start stays hidden even on first run', () => expect(showWindowAtStart({ ...base, identities: 0, argv: ['RoleTray', '--hidden'] })).toBe(false));
  it('opens without a tray', () => expect(showWindowAtStart({ ...base, trayAvailable: false, argv: ['x', '--hidden'] })).toBe(true));
  it('opens in the e2e test', () => expect(showWindowAtStart({ ...base, e2e: true })).toBe(true));
});

describe('launch at login', () => {
  function setup(platform: NodeJS.Platform, isPackaged = true) {
    const settings: unknown[] = [];
    const autostart: Array<string | null> = [];
    const apply = createLoginItemSync({
      platform,
      isPackaged,
      execPath: '/opt/Role Tray/roletray',
      setLoginItemSettings: (s) => void settings.push(s),
      writeAutostart: async (c) => void autostart.push(c),
      logger: { info: () => undefined, warn: () => undefined },
    });
    return { apply, settings, autostart };
  }

  it('macOS/Windows use the login item API, only on change', async () => {
    const s = setup('darwin');
    await s.apply(true);
    await s.apply(true);
    await s.apply(false);
    expect(s.settings).toEqual([
      { openAtLogin: true, args: ['--hidden'] },
      { openAtLogin: false, args: ['--hidden'] },
    ]);
    expect(s.autostart).toEqual([]);
  });

  it('Linux writes and removes an XDG autostart entry', async () => {
    const s = setup('linux');
    await s.apply(true);
    await s.apply(false);
    expect(s.autostart[0]).toContain('Exec="/opt/Role Tray/roletray" --hidden');
    expect(s.autostart[1]).toBeNull();
    expect(s.settings).toEqual([]);
  });

  it('a development build never registers itself', async () => {
    const s = setup('win32', false);
    await s.apply(true);
    expect(s.settings).toEqual([]);
  });

  it('quotes the desktop entry Exec path', () => {
    expect(linuxAutostartEntry('/a/$b"c`d\\e')).toContain('Exec="/a/\\$b\\"c\\`d\\\\e" --hidden');
    expect(linuxAutostartEntry('/x').startsWith('[Desktop Entry]\nType=Application\n')).toBe(true);
  });
});
