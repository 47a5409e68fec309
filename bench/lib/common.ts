/**
 * Shared helpers of the benchmarks: statistics, the result format every benchmark prints, temp
 * directories, keychain cleanup and the secret scan.
 *
 * Every benchmark is a separate process (bench/run.mjs bundles bench/*.ts with esbuild and runs
 * each one), so they do not share heaps, timers or keychain connections. A benchmark writes its
 * BenchOutput as JSON to the file named by ROLETRAY_BENCH_OUT.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KeytarSecretStore } from '../../main/core/secret-store';

export interface Row {
  /** What was measured, e.g. "median wall time". */
  metric: string;
  roletray: number;
  baseline: number | null;
  unit: string;
  /** roletray / baseline when both are meaningful. */
  ratio: number | null;
  /** Human target, e.g. "≤ 1.5× bare node"; empty when the row is informational. */
  target: string;
  pass: boolean | null;
  /** What the baseline is. */
  baselineName?: string | undefined;
  note?: string | undefined;
}

export interface BenchOutput {
  id: string;
  title: string;
  rows: Row[];
  /** Raw numbers (samples, counts) for latest.json. */
  details: Record<string, unknown>;
  notes: string[];
  /** Secret-scan result of this benchmark's own files and outputs (hits must be 0). */
  secretHits: number;
  wallMs: number;
}

export interface TimedRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node <args>` in `cwd` and time it from spawn to close (a whole process start-up). */
export function timedNode(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - t0, code, stdout, stderr }));
  });
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank]!;
}

export function round(n: number, digits = 2): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function ratio(a: number, b: number | null): number | null {
  return b === null || !(b > 0) ? null : round(a / b, 2);
}

/** Seeded PRNG (LCG): reproducible workloads. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

let runSecret: string | undefined;

/** The long-lived test secret of this run (bench/run.mjs passes one to every benchmark; one per process otherwise). */
export function longLivedSecret(): string {
  runSecret ??= process.env['ROLETRAY_BENCH_SECRET'] ?? `rtBenchLongLived${randomBytes(12).toString('hex')}`;
  return runSecret;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function keychainService(): string {
  return `roletray-bench-${randomBytes(6).toString('hex')}`;
}

/** Delete every entry of a keychain service (bench services are unique per run). */
export async function clearKeychain(service: string, known: readonly string[] = []): Promise<number> {
  const store = new KeytarSecretStore(service);
  let n = 0;
  // known accounts first: list() may refuse (it probes the keychain first)
  for (const account of ['__roletray_probe__', ...known]) if (await store.delete(account).catch(() => false)) n++;
  for (const account of await store.list().catch(() => [] as string[])) {
    if (await store.delete(account).catch(() => false)) n++;
  }
  return n;
}

/** Count occurrences of any of `secrets` in every file under `roots` and in `texts`. */
export function scanForSecrets(roots: readonly string[], texts: readonly string[], secrets: readonly string[]): { hits: number; where: string[] } {
  const where: string[] = [];
  const needles = secrets.filter((s) => s.length >= 8);
  const check = (label: string, text: string): void => {
    for (const s of needles) if (text.includes(s)) where.push(label);
  };
  for (const root of roots) {
    let entries: string[] = [];
    try {
      entries = statSync(root).isDirectory() ? readdirSync(root, { recursive: true }).map((e) => path.join(root, String(e))) : [root];
    } catch {
      continue;
    }
    for (const file of entries) {
      try {
        if (!statSync(file).isFile()) continue;
        check(file, readFileSync(file).toString('latin1'));
      } catch {
        /* vanished */
      }
    }
  }
  texts.forEach((t, i) => check(`output#${i}`, t));
  return { hits: where.length, where };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Write this benchmark's result where bench/run.mjs expects it, and print a short summary. */
export function emit(out: BenchOutput): void {
  const file = process.env['ROLETRAY_BENCH_OUT'];
  if (file) writeFileSync(file, JSON.stringify(out, null, 2));
  for (const r of out.rows) {
    const base = r.baseline === null ? '' : ` vs ${fmt(r.baseline)} ${r.unit}${r.baselineName ? ` (${r.baselineName})` : ''}`;
    const rt = r.ratio === null ? '' : `, ratio ${r.ratio}x`;
    const verdict = r.pass === null ? '' : r.pass ? ' PASS' : ' MISS';
    console.log(`  ${out.id} ${r.metric}: ${fmt(r.roletray)} ${r.unit}${base}${rt}${r.target ? `; target ${r.target}` : ''}${verdict}`);
  }
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return String(Math.round(n));
  return String(round(n, 2));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `main`, always exit (keytar and timers must not keep a benchmark alive). */
export function runBench(main: () => Promise<BenchOutput>): void {
  const t0 = performance.now();
  main().then(
    (out) => {
      out.wallMs = Math.round(performance.now() - t0);
      emit(out);
      process.exit(0);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
