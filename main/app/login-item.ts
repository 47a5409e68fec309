/**
 * "Launch at login": keeps the OS in line with settings.launchAtLogin. macOS and Windows use
 * app.setLoginItemSettings; Linux gets an XDG autostart entry. Development builds never register
 * themselves (that would start a bare Electron at every login).
 */

/** XDG autostart entry that starts RoleTray hidden in the tray. */
export function linuxAutostartEntry(execPath: string): string {
  // Desktop Entry spec: quote the path and escape ", `, $ and \ inside the quotes.
  const quoted = `"${execPath.replace(/(["`$\\])/g, '\\$1')}"`;
  return ['[Desktop Entry]', 'Type=Application', 'Name=RoleTray', 'Comment=Alibaba Cloud RAM role switcher', `Exec=${quoted} --hidden`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  setLoginItemSettings(s: { openAtLogin: boolean; args?: string[] }): void;
  writeAutostart(content: string | null): Promise<void>;
  /** The executable to start at login (AppImage path when run from one). */
  execPath: string;
  logger: { info(msg: string, fields?: Record<string, unknown>): void; warn(msg: string, fields?: Record<string, unknown>): void };
}

/** Returns apply(enabled): registers or unregisters, only when the wish changed. */
export function createLoginItemSync(deps: LoginItemDeps): (enabled: boolean) => Promise<void> {
  let applied: boolean | null = null;
  return async (enabled) => {
    if (applied === enabled) return;
    applied = enabled;
    if (!deps.isPackaged) {
      deps.logger.info('launch at login not registered in a development build', { enabled });
      return;
    }
    try {
      if (deps.platform === 'linux') await deps.writeAutostart(enabled ? linuxAutostartEntry(deps.execPath) : null);
      else deps.setLoginItemSettings({ openAtLogin: enabled, args: ['--hidden'] });
      deps.logger.info('launch at login', { enabled });
    } catch (e) {
      applied = null;
      deps.logger.warn('could not change launch at login', { error: e instanceof Error ? e.message : String(e) });
    }
  };
}
