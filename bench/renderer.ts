/**
 * Benchmark 6: renderer cost of live countdowns. The built renderer (dist/renderer) in Debian's
 * Chromium (playwright-core), 500 roles with active sessions, measured with the Chrome DevTools
 * Protocol (Performance.getMetrics: ScriptDuration, LayoutDuration, RecalcStyleDuration,
 * TaskDuration deltas) over a window of ticking, against the same page with the countdowns
 * paused (window.__roletrayClock.pause()).
 *
 * window.roletray is a stub over a static AppSnapshot (bench/lib/snapshot.ts, typed against
 * preload/contract.ts): the page renders and ticks exactly as in the app; nothing pushes
 * snapshots during the measurement.
 */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { METHOD_CHANNELS } from '../preload/contract';
import { round, runBench, sleep, type BenchOutput } from './lib/common';
import { benchSnapshot } from './lib/snapshot';

const QUICK = process.env['ROLETRAY_BENCH_QUICK'] === '1';
const ROLES = Number(process.env['ROLETRAY_BENCH_ROLES'] ?? 500);
const WINDOW_S = Number(process.env['ROLETRAY_BENCH_WINDOW_S'] ?? (QUICK ? 4 : 10));
const root = process.env['ROLETRAY_BENCH_ROOT'] ?? process.cwd();
const CHROMIUM = process.env['ROLETRAY_CHROMIUM'] ?? '/usr/bin/chromium';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };

async function serve(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = path.join(dir, rel === '/' ? 'index.html' : rel);
      const st = file.startsWith(dir + path.sep) ? await stat(file).catch(() => null) : null;
      if (!st?.isFile()) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** window.roletray over a static snapshot; every action answers "not in the benchmark". */
function stubScript(snapshotJson: string): string {
  return `(() => {
  const snapshot = ${snapshotJson};
  const api = {};
  for (const method of Object.keys(${JSON.stringify(METHOD_CHANNELS)})) {
    api[method] = async () => ({ ok: false, error: { code: 'internal', message: 'not available in the benchmark', hint: '', retryable: false } });
  }
  api.getSnapshot = async () => snapshot;
  api.onSnapshot = () => () => {};
  api.onFocusRole = () => () => {};
  Object.defineProperty(window, 'roletray', { value: Object.freeze(api) });
})();`;
}

type Metrics = Record<string, number>;
const KEYS = ['ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'TaskDuration'] as const;

runBench(async (): Promise<BenchOutput> => {
  const dist = path.join(root, 'dist', 'renderer');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dist/renderer is not built');
  const server = await serve(dist);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(stubScript(JSON.stringify(benchSnapshot(ROLES, Date.now()))));
    await page.goto(server.url);
    // (page-side code is passed as strings: this file is type-checked without the DOM library)
    await page.waitForFunction(`document.querySelectorAll('[data-role]').length >= ${ROLES}`, undefined, { timeout: 30_000 });
    const rows = await page.locator('[data-role]').count();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async (): Promise<Metrics> => {
      const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      return Object.fromEntries(list.map((m) => [m.name, m.value]));
    };
    const countdowns = () => page.locator('[data-role] .countdown').allTextContents();
    // Rows follow the clock only while on (or near) the screen (RoleRow + observeVisibility).
    const visible = Number(
      await page.evaluate(`[...document.querySelectorAll('[data-role]')].filter((el) => { const r = el.getBoundingClientRect(); return r.bottom > 0 && r.top < window.innerHeight; }).length`),
    );
    const measure = async (): Promise<{ perSecond: Record<string, number>; changed: number }> => {
      const before = await countdowns();
      const m0 = await metrics();
      const t0 = performance.now();
      await sleep(WINDOW_S * 1000);
      const m1 = await metrics();
      const seconds = (performance.now() - t0) / 1000;
      const after = await countdowns();
      const perSecond: Record<string, number> = {};
      for (const k of KEYS) perSecond[k] = (((m1[k] ?? 0) - (m0[k] ?? 0)) * 1000) / seconds;
      perSecond['mainThread'] = perSecond['ScriptDuration']! + perSecond['LayoutDuration']! + perSecond['RecalcStyleDuration']!;
      return { perSecond, changed: after.filter((t, i) => t !== before[i]).length };
    };
    await sleep(2000); // first render and layout settle
    const ticking = await measure();
    await page.evaluate('window.__roletrayClock.pause()');
    await sleep(1000);
    const paused = await measure();
    await page.evaluate('window.__roletrayClock.resume()');
    // Worst case: a window tall enough to show every row, so all of them follow the clock.
    const fullHeight = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewportSize({ width: 1280, height: Math.min(fullHeight + 100, 32_000) });
    await sleep(2000);
    const allVisible = await measure();
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    if (ticking.changed < visible) throw new Error(`only ${ticking.changed} countdowns changed while ticking; ${visible} rows are on screen`);
    if (paused.changed !== 0) throw new Error(`${paused.changed} countdowns changed while paused`);
    const t = ticking.perSecond;
    const p = paused.perSecond;
    return {
      id: '6',
      title: 'Renderer cost',
      rows: [
        {
          metric: `${rows} live countdowns: main-thread script + style + layout per second of ticking (${WINDOW_S} s window)`,
          roletray: round(t['mainThread']!),
          baseline: round(p['mainThread']!),
          baselineName: 'same page, countdowns paused',
          unit: 'ms/s',
          ratio: null,
          target: '< 5 ms/s',
          pass: t['mainThread']! < 5,
          note: `script ${round(t['ScriptDuration']!)}, style ${round(t['RecalcStyleDuration']!)}, layout ${round(t['LayoutDuration']!)} ms/s; ${ticking.changed} of ${rows} countdown texts changed in the window (${visible} rows on screen; off-screen rows do not follow the clock)`,
        },
        {
          metric: `worst case: a ${Math.min(fullHeight + 100, 32_000)} px tall window with every row on screen`,
          roletray: round(allVisible.perSecond['mainThread']!),
          baseline: round(p['mainThread']!),
          baselineName: 'paused',
          unit: 'ms/s',
          ratio: null,
          target: '< 5 ms/s',
          pass: allVisible.perSecond['mainThread']! < 5,
          note: `${allVisible.changed} countdown texts changed in the window; all tasks ${round(allVisible.perSecond['TaskDuration']!)} ms/s`,
        },
        {
          metric: 'all main-thread tasks per second (TaskDuration, includes paint and compositing work on the main thread)',
          roletray: round(t['TaskDuration']!),
          baseline: round(p['TaskDuration']!),
          baselineName: 'paused',
          unit: 'ms/s',
          ratio: null,
          target: '',
          pass: null,
        },
      ],
      details: { roles: rows, visible, changed: ticking.changed, windowSeconds: WINDOW_S, ticking: ticking.perSecond, allVisible: allVisible.perSecond, allVisibleChanged: allVisible.changed, paused: paused.perSecond, chromium: browser.version() },
      notes: [`Static snapshot: ${ROLES} roles, every session expiring in 20-59 min so every countdown text changes every second (the worst case); no snapshots are pushed during the window. Headless Chromium ${browser.version()}, 1280×900 viewport.`],
      secretHits: 0,
      wallMs: 0,
    };
  } finally {
    await browser.close();
    await server.close();
  }
});
