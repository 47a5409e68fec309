/**
 * The only IPC entry points of main: one handler per contract channel, each going through the
 * sender check, then the backend (which validates the arguments with its zod schemas and answers
 * a Result). Events to the renderer go through emit(), typed by the contract's EventMap.
 *
 * @see STYLE.md recommendations 3-6; checklist "Every handle goes through ipc-main"
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Channel, EventMap } from '../../preload/contract';
import { CHANNELS } from '../../preload/contract';
import type { ApiBackend } from '../core/api-backend';
import type { AppOrigins } from './security';
import { isTrustedSender } from './security';

export interface IpcLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  backend: Pick<ApiBackend, 'invoke'>;
  /** Ids of the WebContents of our own windows, read at each request. */
  knownWebContentsIds(): ReadonlySet<number>;
  origins?: AppOrigins | undefined;
  logger: IpcLogger;
}

/** The sender facts the trust check needs, read defensively from an invoke event. */
export function senderOf(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): { id: number; url: string | null; isMainFrame: boolean } {
  const frame = event.senderFrame;
  let url: string | null = null;
  let isMainFrame = false;
  try {
    url = frame ? frame.url : null;
    isMainFrame = frame != null && frame.parent === null;
  } catch {
    // a frame that navigated away or was destroyed throws on access: untrusted
  }
  return { id: event.sender.id, url, isMainFrame };
}

/**
 * Registers a handler for every contract channel; returns a function that removes them all.
 *
 * An untrusted sender gets a rejected promise with a generic message (and a log line), never a
 * Result: it must learn nothing about the app.
 */
export function registerIpcHandlers(deps: IpcDeps): () => void {
  for (const channel of CHANNELS) {
    deps.ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      const s = senderOf(event);
      if (!isTrustedSender(s.url, s.isMainFrame, deps.knownWebContentsIds(), s.id, deps.origins)) {
        deps.logger.warn('IPC from an untrusted sender rejected', { channel, sender: s.id, url: (s.url ?? '').slice(0, 120), mainFrame: s.isMainFrame });
        throw new Error('request refused');
      }
      return deps.backend.invoke(channel as Channel, args);
    });
  }
  return () => {
    for (const channel of CHANNELS) deps.ipcMain.removeHandler(channel);
  };
}

/** The part of a WebContents that events need. */
export interface EventReceiver {
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

/** Sends a contract event to one WebContents, if it is still alive. The only raw `send` of the app. */
export function emit<K extends keyof EventMap>(wc: EventReceiver | null | undefined, channel: K, payload: EventMap[K]): boolean {
  if (!wc || wc.isDestroyed()) return false;
  wc.send(channel, payload);
  return true;
}
