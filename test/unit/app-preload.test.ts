/**
 * The preload as Electron runs it: preload/index.ts bundled the way scripts/build.mjs bundles it
 * (one CommonJS file), executed in a bare VM context whose only module is a fake 'electron', as
 * in a sandboxed renderer. It must expose exactly one object with exactly the contract's methods,
 * forward each to its channel, strip the IPC event from listeners and unsubscribe cleanly.
 */
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RoleTrayApi } from '../../preload/contract';
import { METHOD_CHANNELS } from '../../preload/contract';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Exposed {
  key: string;
  api: RoleTrayApi;
}

let code = '';

beforeAll(async () => {
  const out = await build({
    absWorkingDir: root,
    entryPoints: ['preload/index.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    write: false,
    logLevel: 'silent',
  });
  code = out.outputFiles[0]?.text ?? '';
});

function load() {
  const exposed: Exposed[] = [];
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: RoleTrayApi) => void exposed.push({ key, api }) },
    ipcRenderer: {
      invoke: async (...a: unknown[]) => {
        invoked.push(a);
        return { ok: true, value: a[0] };
      },
      on: (ch: string, fn: (...a: unknown[]) => void) => {
        if (!listeners.has(ch)) listeners.set(ch, new Set());
        listeners.get(ch)?.add(fn);
      },
      removeListener: (ch: string, fn: (...a: unknown[]) => void) => void listeners.get(ch)?.delete(fn),
      send: () => expect.unreachable('the preload must not use send'),
      sendSync: () => expect.unreachable('the preload must not use sendSync'),
    },
  };
  const module = { exports: {} };
  const context = vm.createContext({
    module,
    exports: module.exports,
    require: (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    },
  });
  vm.runInContext(code, context, { filename: 'preload/index.cjs' });
  const fire = (ch: string, payload: unknown): void => {
    for (const fn of listeners.get(ch) ?? []) fn({ sender: 'IpcRendererEvent', ports: [] }, payload);
  };
  return { exposed, invoked, listeners, required, fire };
}

describe('preload', () => {
  it('requires nothing but electron', () => {
    const p = load();
    expect(new Set(p.required)).toEqual(new Set(['electron']));
    expect(code).not.toMatch(/require\((?!"electron"\))/);
  });

  it('exposes exactly one object, window.roletray, with exactly the contract methods', () => {
    const { exposed } = load();
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.key).toBe('roletray');
    const keys = Object.keys(exposed[0]?.api ?? {}).sort();
    expect(keys).toEqual([...Object.keys(METHOD_CHANNELS), 'onSnapshot', 'onFocusRole'].sort());
    for (const k of keys) expect(typeof (exposed[0]?.api as unknown as Record<string, unknown>)[k]).toBe('function');
    // nothing that would hand the renderer raw IPC
    expect(keys.some((k) => /ipc|send|invoke|emit/i.test(k))).toBe(false);
  });

  it('forwards every method to its contract channel with its arguments, and nothing else', async () => {
    const { exposed, invoked } = load();
    const api = exposed[0]?.api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const [method, channel] of Object.entries(METHOD_CHANNELS)) {
      invoked.length = 0;
      const args = method === 'updateRole' ? ['old', { name: 'new' }] : method === 'getSnapshot' || method === 'startSandbox' ? [] : [{ arg: method }];
      const r = await api[method]?.(...args);
      expect(invoked, method).toEqual([[channel, ...args]]);
      expect(r).toEqual({ ok: true, value: channel });
    }
  });

  it('listeners receive only the payload, never the IPC event, and unsubscribe', () => {
    const { exposed, fire, listeners } = load();
    const api = exposed[0]?.api as RoleTrayApi;
    const snaps: unknown[][] = [];
    const roles: unknown[][] = [];
    const offSnap = api.onSnapshot((...a: unknown[]) => void snaps.push(a));
    const offRole = api.onFocusRole((...a: unknown[]) => void roles.push(a));
    fire('roletray:snapshot', { roles: [] });
    fire('roletray:focus-role', 'fc-admin');
    expect(snaps).toEqual([[{ roles: [] }]]);
    expect(roles).toEqual([['fc-admin']]);
    offSnap();
    offRole();
    fire('roletray:snapshot', { roles: [1] });
    fire('roletray:focus-role', 'x');
    expect(snaps).toHaveLength(1);
    expect(roles).toHaveLength(1);
    expect(listeners.get('roletray:snapshot')?.size).toBe(0);
    expect(listeners.get('roletray:focus-role')?.size).toBe(0);
  });

  it('each subscription is independent', () => {
    const { exposed, fire } = load();
    const api = exposed[0]?.api as RoleTrayApi;
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api.onFocusRole((r) => void a.push(r));
    api.onFocusRole((r) => void b.push(r));
    offA();
    fire('roletray:focus-role', 'x');
    expect(a).toEqual([]);
    expect(b).toEqual(['x']);
  });
});
