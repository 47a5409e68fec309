/**
 * The IPC wrapper with a fake ipcMain: one handler per contract channel, the sender check before
 * anything else, arguments forwarded untouched to backend.invoke (which validates them), and
 * typed events only to live WebContents.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { emit, registerIpcHandlers, senderOf } from '../../main/app/ipc';
import { APP_ENTRY_URL } from '../../main/app/security';
import type { Channel } from '../../preload/contract';
import { CHANNELS } from '../../preload/contract';

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function fakeEvent(opts: { id: number; url?: string | null; main?: boolean; throws?: boolean }): IpcMainInvokeEvent {
  const frame =
    opts.url === null
      ? null
      : opts.throws
        ? {
            get url(): string {
              throw new Error('Render frame was disposed');
            },
            parent: null,
          }
        : { url: opts.url ?? APP_ENTRY_URL, parent: opts.main === false ? { url: APP_ENTRY_URL } : null };
  return { sender: { id: opts.id }, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

function setup() {
  const handlers = new Map<string, Handler>();
  const removed: string[] = [];
  const invoked: Array<{ channel: Channel; args: unknown[] }> = [];
  const warnings: Array<Record<string, unknown> | undefined> = [];
  const ids = new Set([3]);
  const dispose = registerIpcHandlers({
    ipcMain: {
      handle: (ch: string, fn: Handler) => void handlers.set(ch, fn),
      removeHandler: (ch: string) => void removed.push(ch),
    } as never,
    backend: {
      invoke: async (channel, args) => {
        invoked.push({ channel, args });
        return { ok: true, value: null };
      },
    },
    knownWebContentsIds: () => ids,
    logger: { warn: (_m, f) => void warnings.push(f) },
  });
  return { handlers, removed, invoked, warnings, dispose, ids };
}

describe('registerIpcHandlers', () => {
  it('registers exactly the contract channels and removes them on dispose', () => {
    const s = setup();
    expect([...s.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    s.dispose();
    expect(s.removed.sort()).toEqual([...CHANNELS].sort());
  });

  it('forwards a trusted request with its arguments to backend.invoke', async () => {
    const s = setup();
    const r = await s.handlers.get('roletray:switch-role')?.(fakeEvent({ id: 3 }), 'fc-admin');
    expect(r).toEqual({ ok: true, value: null });
    expect(s.invoked).toEqual([{ channel: 'roletray:switch-role', args: ['fc-admin'] }]);
    await s.handlers.get('roletray:update-role')?.(fakeEvent({ id: 3 }), 'a', { name: 'b', extra: 1 });
    expect(s.invoked[1]).toEqual({ channel: 'roletray:update-role', args: ['a', { name: 'b', extra: 1 }] });
  });

  it.each([
    ['another WebContents', { id: 4 }],
    ['a subframe of our window', { id: 3, main: false }],
    ['a frame that is gone', { id: 3, url: null }],
    ['a disposed frame', { id: 3, throws: true }],
    ['a foreign page in our window', { id: 3, url: 'https://evil.example/' }],
    ['file:// in our window', { id: 3, url: 'file:///tmp/index.html' }],
  ] as const)('rejects %s before the backend sees anything', async (_name, ev) => {
    const s = setup();
    for (const ch of CHANNELS) {
      await expect(s.handlers.get(ch)?.(fakeEvent(ev), 'x')).rejects.toThrow('request refused');
    }
    expect(s.invoked).toEqual([]);
    expect(s.warnings).toHaveLength(CHANNELS.length);
  });

  it('reads the window ids at request time (a closed window stops being trusted)', async () => {
    const s = setup();
    s.ids.delete(3);
    await expect(s.handlers.get('roletray:get-snapshot')?.(fakeEvent({ id: 3 }))).rejects.toThrow();
    s.ids.add(3);
    await expect(s.handlers.get('roletray:get-snapshot')?.(fakeEvent({ id: 3 }))).resolves.toBeDefined();
  });
});

describe('senderOf', () => {
  it('reads id, URL and main-frame-ness defensively', () => {
    expect(senderOf(fakeEvent({ id: 5 }))).toEqual({ id: 5, url: APP_ENTRY_URL, isMainFrame: true });
    expect(senderOf(fakeEvent({ id: 5, main: false }))).toEqual({ id: 5, url: APP_ENTRY_URL, isMainFrame: false });
    expect(senderOf(fakeEvent({ id: 5, url: null }))).toEqual({ id: 5, url: null, isMainFrame: false });
    expect(senderOf(fakeEvent({ id: 5, throws: true }))).toEqual({ id: 5, url: null, isMainFrame: false });
  });
});

describe('emit', () => {
  it('sends typed events to live WebContents only', () => {
    const sent: unknown[][] = [];
    const wc = { isDestroyed: () => false, send: (...a: unknown[]) => void sent.push(a) };
    expect(emit(wc, 'roletray:focus-role', 'fc-admin')).toBe(true);
    expect(sent).toEqual([['roletray:focus-role', 'fc-admin']]);
    expect(emit({ isDestroyed: () => true, send: () => expect.unreachable() }, 'roletray:focus-role', 'x')).toBe(false);
    expect(emit(null, 'roletray:focus-role', 'x')).toBe(false);
  });
});

describe('IPC entry points are confined to ipc.ts', () => {
  it('no other main/app module registers handlers or sends raw events; only the preload uses ipcRenderer', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const path = await import('node:path');
    const root = path.resolve(import.meta.dirname, '../..');
    const appDir = path.join(root, 'main/app');
    for (const f of (await readdir(appDir)).filter((x) => x.endsWith('.ts'))) {
      const text = await readFile(path.join(appDir, f), 'utf8');
      if (f === 'ipc.ts') continue;
      expect(text, f).not.toMatch(/ipcMain\.(handle|on|once|handleOnce)\(/);
      expect(text, f).not.toMatch(/\.send\(/);
      expect(text, f).not.toMatch(/ipcRenderer/);
    }
    for (const dir of ['main/core', 'renderer']) {
      for (const f of await readdir(path.join(root, dir), { recursive: true })) {
        if (!/\.tsx?$/.test(String(f))) continue;
        expect(await readFile(path.join(root, dir, String(f)), 'utf8'), `${dir}/${String(f)}`).not.toMatch(/\bipc(Main|Renderer)\s*\./);
      }
    }
  });
});
