#!/usr/bin/env node
// RoleTray benchmarks: `npm run bench` (= node scripts/build.mjs && node --expose-gc bench/run.mjs).
//
// Bundles bench/*.ts (and their helpers) with esbuild into node_modules/.cache/roletray-bench/,
// runs each benchmark in its own Node process, prints RoleTray vs baseline medians and ratios, and
// writes bench/results/latest.json and bench/results/latest.md.
//
// Flags: --only 1,4,6   run only these benchmarks (ids 1-7; 5 and 7 share one run); their rows
//                       replace the same benchmarks' rows in the existing latest.json/md
//        --quick        smaller sample sizes (a smoke run; numbers are noisier)
//
// The keychain needs a D-Bus session with an unlocked Secret Service. When none is running and
// dbus-run-session exists, this script re-runs itself inside one, with a throwaway keyring
// (gnome-keyring-daemon over a temporary XDG_DATA_HOME, unlocked with a dummy password).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((d) => d && existsSync(path.join(d, cmd)));
}

// ------------------------------------------------------------------ D-Bus + keyring re-exec
if (!process.env.DBUS_SESSION_BUS_ADDRESS && !process.env.ROLETRAY_BENCH_REEXEC && process.platform === 'linux' && onPath('dbus-run-session')) {
  const dataHome = mkdtempSync(path.join(os.tmpdir(), 'roletray-bench-keyring-'));
  const script = 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"';
  const res = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', process.execPath, ...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: { ...process.env, ROLETRAY_BENCH_REEXEC: '1', XDG_DATA_HOME: dataHome },
  });
  // dbus-daemon chatters about fd limits and activations on stderr; keep everything else
  const err = (res.stderr ?? Buffer.alloc(0)).toString('utf8').split('\n').filter((l) => l && !/^dbus-daemon\[\d+\]/.test(l));
  if (err.length) process.stderr.write(`${err.join('\n')}\n`);
  rmSync(dataHome, { recursive: true, force: true });
  process.exit(res.status ?? 1);
}

// ------------------------------------------------------------------ options
const quick = args.includes('--quick');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(String(args[onlyIdx + 1] ?? '').split(',').map((s) => s.trim()).filter(Boolean)) : null;

/** Benchmarks in run order: id(s), entry, title, prerequisites. */
const BENCHES = [
  { ids: ['1'], entry: 'credential-process', title: 'Credential hand-out', needs: ['dist/cli/roletray.mjs'] },
  { ids: ['2'], entry: 'switch', title: 'Switch latency', needs: [] },
  { ids: ['3'], entry: 'alternative', title: 'Versus RamRoleArn mode', needs: ['dist/cli/roletray.mjs'] },
  { ids: ['4'], entry: 'config-scale', title: 'Config file scale', needs: [] },
  { ids: ['5', '7'], entry: 'scheduler-scale', title: 'Scheduler scale + memory', needs: [] },
  { ids: ['6'], entry: 'renderer', title: 'Renderer cost', needs: ['dist/renderer/index.html'] },
];

// ------------------------------------------------------------------ bundle
const outdir = path.join(root, 'node_modules', '.cache', 'roletray-bench');
const { build } = await import('esbuild');
const entryPoints = {};
for (const b of BENCHES) if (existsSync(path.join(root, 'bench', `${b.entry}.ts`))) entryPoints[b.entry] = path.join(root, 'bench', `${b.entry}.ts`);
for (const f of readdirSync(path.join(root, 'bench', 'children'))) {
  if (f.endsWith('.ts')) entryPoints[`children/${f.slice(0, -3)}`] = path.join(root, 'bench', 'children', f);
}
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'inline',
  logLevel: 'warning',
  absWorkingDir: root,
  // bundles with `require` of node builtins inside ESM (some helpers are CJS-shaped)
  banner: { js: "import { createRequire as __rtCreateRequire } from 'node:module'; const require = __rtCreateRequire(import.meta.url);" },
});

// ------------------------------------------------------------------ run
const secret = `rtBenchLongLived${randomBytes(12).toString('hex')}`;
const workDir = mkdtempSync(path.join(os.tmpdir(), 'roletray-bench-run-'));
const captured = [];
const results = [];
let failed = 0;

function runOne(bench) {
  return new Promise((resolve) => {
    const outFile = path.join(workDir, `${bench.entry}.json`);
    const child = spawn(process.execPath, ['--expose-gc', '--enable-source-maps', path.join(outdir, `${bench.entry}.mjs`)], {
      cwd: root,
      env: {
        ...process.env,
        ROLETRAY_BENCH_OUT: outFile,
        ROLETRAY_BENCH_SECRET: secret,
        ROLETRAY_BENCH_ROOT: root,
        ROLETRAY_BENCH_CACHE: outdir,
        ...(quick ? { ROLETRAY_BENCH_QUICK: '1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    child.on('exit', (code) => {
      captured.push(out, err);
      let result = null;
      try {
        result = JSON.parse(readFileSync(outFile, 'utf8'));
      } catch {
        result = null;
      }
      resolve({ code, result });
    });
  });
}

const t0 = performance.now();
for (const bench of BENCHES) {
  if (only && !bench.ids.some((id) => only.has(id))) continue;
  const missing = [`bench/${bench.entry}.ts`, ...bench.needs].filter((f) => !existsSync(path.join(root, f)));
  console.log(`\n== ${bench.ids.join('+')}. ${bench.title}`);
  if (missing.length) {
    console.log(`  skipped: ${missing.join(', ')} not built (run npm run build)`);
    results.push({ id: bench.ids.join('+'), title: bench.title, skipped: `${missing.join(', ')} not built`, rows: [] });
    continue;
  }
  const { code, result } = await runOne(bench);
  if (code !== 0 || !result) {
    failed++;
    console.log(`  FAILED (exit ${code})`);
    results.push({ id: bench.ids.join('+'), title: bench.title, failed: `exit ${code}`, rows: [] });
    continue;
  }
  result.measuredAt = new Date().toISOString();
  result.quick = quick;
  results.push(result);
}
const totalMs = Math.round(performance.now() - t0);

// --only: keep the other benchmarks' latest results
const resultsDir = path.join(root, 'bench', 'results');
if (only && existsSync(path.join(resultsDir, 'latest.json'))) {
  try {
    const previous = JSON.parse(readFileSync(path.join(resultsDir, 'latest.json'), 'utf8')).benchmarks ?? [];
    const fresh = new Map(results.map((r) => [r.id, r]));
    const order = BENCHES.map((b) => b.ids.join('+'));
    const merged = new Map(previous.map((r) => [r.id, r]));
    for (const [id, r] of fresh) merged.set(id, r);
    results.splice(0, results.length, ...order.filter((id) => merged.has(id)).map((id) => merged.get(id)));
  } catch {
    /* a broken previous file is replaced */
  }
}

// ------------------------------------------------------------------ results
const cpu = os.cpus();
const machine = { cpus: cpu.length, cpuModel: cpu[0]?.model ?? 'unknown', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${os.release()}` };
const md = [];
const dates = [...new Set(results.map((r) => (r.measuredAt ?? '').slice(0, 10)).filter(Boolean))].join(', ');
md.push(`Measured ${dates || new Date().toISOString().slice(0, 10)} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}${results.some((r) => r.quick) ? ' (some with --quick: small samples)' : ''}. Medians unless noted; each benchmark runs RoleTray and its baseline in the same run, interleaved where it matters.`);
md.push('');
md.push('| # | Benchmark | Measure | RoleTray | Baseline | Ratio | Target | Result |');
md.push('|---|---|---|---|---|---|---|---|');
const num = (n) => (typeof n !== 'number' ? '' : Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 100) / 100));
for (const r of results) {
  if (!r.rows || r.rows.length === 0) {
    md.push(`| ${r.id} | ${r.title} | ${r.skipped ? `skipped: ${r.skipped}` : `failed: ${r.failed}`} | | | | | |`);
    continue;
  }
  for (const row of r.rows) {
    const base = row.baseline === null ? '—' : `${num(row.baseline)} ${row.unit}${row.baselineName ? ` (${row.baselineName})` : ''}`;
    const verdict = row.pass === null ? '—' : row.pass ? 'pass' : '**miss**';
    md.push(`| ${r.id} | ${r.title} | ${row.metric}${row.note ? ` — ${row.note}` : ''} | ${num(row.roletray)} ${row.unit} | ${base} | ${row.ratio === null ? '—' : `${row.ratio}×`} | ${row.target || '—'} | ${verdict} |`);
  }
}
const notes = results.flatMap((r) => (r.notes ?? []).map((n) => `- (${r.id}) ${n}`));
if (notes.length) md.push('', ...notes);

mkdirSync(resultsDir, { recursive: true });
const json = { date: new Date().toISOString(), quick, machine, totalMs, benchmarks: results };
writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
writeFileSync(path.join(resultsDir, 'latest.md'), `${md.join('\n')}\n`);

// ------------------------------------------------------------------ secret hygiene
// The run's long-lived secret must not appear in the results or in anything the benchmarks
// printed; each benchmark also scanned its own data dirs, logs and config files before cleanup.
const written = ['latest.json', 'latest.md'].map((f) => readFileSync(path.join(resultsDir, f), 'utf8'));
const hits = [...written, ...captured].filter((t) => t.includes(secret)).length;
const benchHits = results.reduce((n, r) => n + (r.secretHits ?? 0), 0);
rmSync(workDir, { recursive: true, force: true });

console.log(`\n${md.join('\n')}\n`);
console.log(`secret scan: ${hits} hit(s) in results and outputs, ${benchHits} in the benchmarks' own files`);
console.log(`wrote bench/results/latest.json and bench/results/latest.md (${Math.round(totalMs / 1000)} s)`);
process.exit(failed > 0 || hits > 0 || benchHits > 0 ? 1 : 0);
