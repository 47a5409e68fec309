/**
 * Client side of bench/children/sandbox-worker.ts: start the sandbox in a worker thread and talk
 * to it with promises.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';

export interface SandboxThread {
  url: string;
  request<T extends Record<string, unknown>>(type: string, extra?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function startSandboxThread(clock: SharedArrayBuffer, userSecret: string): Promise<SandboxThread> {
  const cache = process.env['ROLETRAY_BENCH_CACHE'] ?? path.join(process.cwd(), 'node_modules', '.cache', 'roletray-bench');
  const worker = new Worker(path.join(cache, 'children', 'sandbox-worker.mjs'), { workerData: { clock, userSecret } });
  let seq = 0;
  const waiting = new Map<number, (v: Record<string, unknown>) => void>();
  const ready = new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    waiting.set(0, (v) => resolve(String(v['url'])));
  });
  worker.on('message', (m: { id: number } & Record<string, unknown>) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    w?.(m);
  });
  const url = await ready;
  const request = <T extends Record<string, unknown>>(type: string, extra: Record<string, unknown> = {}): Promise<T> =>
    new Promise((resolve) => {
      const id = ++seq;
      waiting.set(id, (v) => resolve(v as T));
      worker.postMessage({ id, type, ...extra });
    });
  return {
    url,
    request,
    async close() {
      await request('close');
      await worker.terminate();
    },
  };
}
