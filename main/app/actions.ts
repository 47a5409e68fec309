/**
 * Tray clicks: each action goes through backend.invoke, exactly as the window's IPC requests do,
 * so tray and window share one validated code path. Failures are reported, never thrown.
 */
import type { ErrorView, Result } from '../../preload/contract';
import type { ApiBackend } from '../core/api-backend';
import type { TrayAction } from '../core/common/tray-model';

export interface TrayActionDeps {
  backend: Pick<ApiBackend, 'invoke'>;
  showWindow(focusRole?: string | null): void;
  quit(): void;
  /** A tray action failed (shown as a notification by main). */
  reportError(action: TrayAction, error: ErrorView): void;
}

function isFailure(r: unknown): r is { ok: false; error: ErrorView } {
  return typeof r === 'object' && r !== null && (r as Result<unknown>).ok === false;
}

/** Returns the dispatcher of tray actions: one backend.invoke per action, failures reported. */
export function createTrayActions(deps: TrayActionDeps): (action: TrayAction) => Promise<void> {
  const call = async (action: TrayAction, request: Promise<unknown>): Promise<void> => {
    let r: unknown;
    try {
      r = await request;
    } catch (e) {
      r = { ok: false, error: { code: 'io', message: e instanceof Error ? e.message : String(e), hint: '', retryable: false } };
    }
    if (isFailure(r)) deps.reportError(action, r.error);
  };

  return async (action) => {
    switch (action.kind) {
      case 'switch':
        return call(action, deps.backend.invoke('roletray:switch-role', [action.role]));
      case 'open-console':
        return call(action, deps.backend.invoke('roletray:open-console', [action.role]));
      case 'copy-env':
        return call(action, deps.backend.invoke('roletray:copy-env', [action.role]));
      case 'refresh':
        return call(action, deps.backend.invoke('roletray:refresh-role', [action.role]));
      case 'stop':
        return call(action, deps.backend.invoke('roletray:stop-role', [action.role]));
      case 'set-launch-at-login':
        return call(action, deps.backend.invoke('roletray:update-settings', [{ launchAtLogin: action.enabled }]));
      case 'start-sandbox':
        await call(action, deps.backend.invoke('roletray:start-sandbox', []));
        deps.showWindow();
        return;
      case 'open-window':
        deps.showWindow();
        return;
      case 'quit':
        deps.quit();
        return;
      default: {
        const never: never = action;
        throw new Error(`unknown tray action ${JSON.stringify(never)}`);
      }
    }
  };
}

/** A short title for a failed tray action's notification. */
export function actionFailureTitle(action: TrayAction): string {
  switch (action.kind) {
    case 'switch':
      return `Could not switch to ${action.role}`;
    case 'open-console':
      return `Could not open the console as ${action.role}`;
    case 'copy-env':
      return `Could not copy the environment of ${action.role}`;
    case 'refresh':
      return `Could not refresh ${action.role}`;
    case 'stop':
      return `Could not stop ${action.role}`;
    case 'set-launch-at-login':
      return 'Could not change "Launch at login"';
    case 'start-sandbox':
      return 'Could not start the sandbox';
    case 'open-window':
    case 'quit':
      return 'RoleTray';
    default: {
      const never: never = action;
      return String(never);
    }
  }
}
