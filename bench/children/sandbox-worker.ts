/**
 * The sandbox STS in a worker thread, for the scale and memory benchmark: its own V8 heap (so
 * core and sandbox memory are measured apart) and its own event loop (so it does not steal the
 * core's). Its clock is the benchmark's simulated clock, read from a SharedArrayBuffer.
 *
 * Messages (request {id, type, ...} -> reply {id, ...}): addRoles, stats, resetStats, heap, close.
 */
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { startSandbox } from '../../main/sandbox/index';

interface Init {
  clock: SharedArrayBuffer;
  userSecret: string;
}

const init = workerData as Init;
const now = new Float64Array(init.clock);
const sb = await startSandbox({ userSecret: init.userSecret, now: () => now[0]! });
const port = parentPort!;

port.on('message', (m: { id: number; type: string; roles?: Array<{ name: string; max: number; trust: string }> }) => {
  const reply = (value: Record<string, unknown>): void => port.postMessage({ id: m.id, ...value });
  switch (m.type) {
    case 'addRoles':
      for (const r of m.roles ?? []) sb.world.addRole({ name: r.name, maxSessionDuration: r.max, trustedPrincipals: [r.trust] });
      reply({ ok: true });
      break;
    case 'stats':
      reply({ calls: { ...sb.stats.calls }, byCode: { ...sb.stats.byCode }, total: sb.stats.total, processingMs: sb.stats.processingMs, maxConcurrent: sb.stats.maxConcurrent });
      break;
    case 'resetStats':
      sb.stats.reset();
      reply({ ok: true });
      break;
    case 'heap': {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      reply({ heapUsed: v8.getHeapStatistics().used_heap_size, gc: gc !== undefined });
      break;
    }
    case 'close':
      void sb.close().then(() => reply({ ok: true }));
      break;
    default:
      reply({ error: `unknown message ${m.type}` });
  }
});
port.postMessage({ id: 0, url: sb.url });
