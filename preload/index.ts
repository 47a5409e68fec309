/**
 * Preload (sandboxed): exposes exactly one object, `window.roletray`, typed by the contract.
 *
 * One named function per operation, each forwarding to ipcRenderer.invoke on its contract
 * channel; listeners strip the IPC event and return an unsubscribe function. Neither
 * ipcRenderer nor a generic send/invoke is ever exposed.
 * @see STYLE.md recommendation 16; checklist "Preload exposes named functions only"
 */
import type { IpcRendererEvent } from 'electron';
import { contextBridge, ipcRenderer } from 'electron';
import type { Channel, EventMap, InvokeMap, RoleTrayApi } from './contract';
import { METHOD_CHANNELS } from './contract';

type IpcRendererLike = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;

/** Builds the API over an ipcRenderer (a parameter, so the same code is what tests exercise). */
export function createRoleTrayApi(ipc: IpcRendererLike): RoleTrayApi {
  const invoke = <K extends Channel>(channel: K, ...args: Parameters<InvokeMap[K]>): Promise<ReturnType<InvokeMap[K]>> =>
    ipc.invoke(channel, ...args) as Promise<ReturnType<InvokeMap[K]>>;

  const on = <K extends keyof EventMap>(channel: K, cb: (payload: EventMap[K]) => void): (() => void) => {
    const listener = (_event: IpcRendererEvent, payload: EventMap[K]): void => cb(payload);
    ipc.on(channel, listener);
    return () => {
      ipc.removeListener(channel, listener);
    };
  };

  const C = METHOD_CHANNELS;
  return {
    getSnapshot: () => invoke(C.getSnapshot),
    addIdentity: (input) => invoke(C.addIdentity, input),
    removeIdentity: (name) => invoke(C.removeIdentity, name),
    addRole: (input) => invoke(C.addRole, input),
    updateRole: (oldName, input) => invoke(C.updateRole, oldName, input),
    removeRole: (name) => invoke(C.removeRole, name),
    switchRole: (name) => invoke(C.switchRole, name),
    refreshRole: (name) => invoke(C.refreshRole, name),
    stopRole: (name) => invoke(C.stopRole, name),
    openConsole: (name) => invoke(C.openConsole, name),
    copyEnv: (name) => invoke(C.copyEnv, name),
    updateSettings: (patch) => invoke(C.updateSettings, patch),
    startSandbox: () => invoke(C.startSandbox),
    onSnapshot: (cb) => on('roletray:snapshot', cb),
    onFocusRole: (cb) => on('roletray:focus-role', cb),
  } satisfies RoleTrayApi;
}

contextBridge.exposeInMainWorld('roletray', createRoleTrayApi(ipcRenderer));
