/**
 * Shared helpers of the reliability suite (test/reliability): bundling and running child
 * processes, the built CLI, a seeded PRNG, and the secret scan.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(REPO, 'bin', 'roletray.mjs');

/** A long-lived test secret: distinctive, so a scan for it has no false hits. */
export function longLivedSecret(): string {
  return `rtLongLivedTest${randomBytes(12).toString('hex')}`;
}

/** Seeded PRNG (LCG), so every fuzz and chaos run is reproducible from its seed. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const pick = <T>(rand: () => number, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

/**
 * Bundle a TS entry with esbuild into node_modules/.cache (so npm packages, kept external,
 * resolve from the repo's node_modules, and keytar's native module loads). Returns its path.
 */
export function bundle(entry: string, name: string): { file: string; remove(): void } {
  const dir = path.join(REPO, 'node_modules', '.cache', `roletray-reliability-${process.pid}-${randomBytes(4).toString('hex')}`);
  const file = path.join(dir, `${name}.mjs`);
  buildSync({
    entryPoints: [path.isAbsolute(entry) ? entry : path.join(REPO, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface ChildRun {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  /** Everything the child printed (for the secret scan). */
  output: () => string;
  exited: Promise<number | string>;
  waitFor(pred: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  send(line: unknown): void;
}

/** Run a bundled child with `node file '<json args>'`; it reports one JSON object per stdout line. */
export function runChild(file: string, args: unknown, env: NodeJS.ProcessEnv): ChildRun {
  const child = spawn(process.execPath, [file, JSON.stringify(args)], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  let raw = '';
  let err = '';
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (err += c));
  child.stdout?.on('data', (chunk: string) => {
    raw += chunk;
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { raw: text };
      }
      lines.push(line);
      for (const w of waiters.filter((x) => x.pred(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    lines,
    stderr: () => err,
    output: () => raw + err,
    exited,
    send: (line) => child.stdin?.write(`${JSON.stringify(line)}\n`),
    waitFor: (pred) =>
      new Promise((resolve, reject) => {
        const seen = lines.find(pred);
        if (seen) return resolve(seen);
        waiters.push({ pred, resolve });
        void exited.then(() => reject(new Error(`child exited before the expected line; last lines ${JSON.stringify(lines.slice(-3))}; stderr ${err.slice(-500)}`)));
      }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (`node bin/roletray.mjs ...`), optionally feeding stdin. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, stdin = '', timeoutMs = 20_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

/** Files under `root` (recursively) whose bytes contain any needle: the secret scan. */
export function filesContaining(root: string, needles: readonly string[]): string[] {
  const hits: string[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(root, { recursive: true }).map((e) => path.join(root, String(e)));
  } catch {
    return hits;
  }
  for (const file of entries) {
    let text: string;
    try {
      if (!fs.statSync(file).isFile()) continue;
      text = fs.readFileSync(file).toString('latin1');
    } catch {
      continue;
    }
    if (needles.some((n) => n.length >= 8 && text.includes(n))) hits.push(file);
  }
  return hits;
}

/** Every file under `root` with its bytes (a snapshot to compare before/after: "nothing written"). */
export function treeSnapshot(root: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  let entries: string[];
  try {
    entries = fs.readdirSync(root, { recursive: true }).map(String);
  } catch {
    return out;
  }
  for (const rel of entries.sort()) {
    if (skip(rel)) continue;
    const file = path.join(root, rel);
    try {
      const st = fs.statSync(file);
      out.set(rel, st.isFile() ? fs.readFileSync(file).toString('base64') : 'dir');
    } catch {
      /* vanished */
    }
  }
  return out;
}
