/**
 * The CLI config writer across real processes: RoleTray processes racing each other and a
 * CLI-style foreign writer, and processes killed with SIGKILL in the middle of writing.
 *
 * The child (test/helpers/cli-config-child.ts) is bundled once with esbuild and run with plain node.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { CLI_CONFIG_LOCK_SUFFIX, CliConfigFile, parseCliConfig } from '../../main/core/cli-config';
import type { CliConfigDoc, CliProfile } from '../../main/core/cli-config';
import { cliText, modeOf, stsProfile, tempDir, userDoc } from '../helpers/cli-config-fixtures';

const STALE_MS = 2000; // proper-lockfile's minimum

let buildDir: string;
let childScript: string;
let dir: string;
let file: string;

beforeAll(() => {
  buildDir = tempDir('roletray-cli-config-build-');
  childScript = path.join(buildDir, 'child.cjs');
  buildSync({
    entryPoints: [fileURLToPath(new URL('../helpers/cli-config-child.ts', import.meta.url))],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'silent',
  });
});
afterAll(() => {
  fs.rmSync(buildDir, { recursive: true, force: true });
});
beforeEach(() => {
  dir = tempDir();
  file = path.join(dir, 'config.json');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  /** Resolves with the exit code (or the signal name) once the child has exited. */
  exited: Promise<number | string>;
  /** Resolves with the first line matching the predicate. */
  waitFor(pred: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

function run(args: Record<string, unknown>): Run {
  const child = spawn(process.execPath, [childScript, JSON.stringify({ path: file, staleMs: STALE_MS, ...args })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, nl)) as Record<string, unknown>;
      buffered = buffered.slice(nl + 1);
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
    exited,
    waitFor: (pred) =>
      new Promise((resolve, reject) => {
        const seen = lines.find(pred);
        if (seen) return resolve(seen);
        waiters.push({ pred, resolve });
        void exited.then(() => reject(new Error(`child exited before the expected line; got ${JSON.stringify(lines.slice(-3))}`)));
      }),
  };
}

const onDisk = (): CliConfigDoc => parseCliConfig(fs.readFileSync(file, 'utf8'), file);
const byName = (doc: CliConfigDoc) => new Map(doc.profiles.map((p) => [p.name, p] as const));
/** Exact content including key order. */
const same = (a: CliProfile | undefined, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

describe('CLI config across processes', () => {
  it('six RoleTray processes updating at once lose no update and keep every foreign byte', async () => {
    const seed = userDoc();
    fs.writeFileSync(file, cliText(seed), { mode: 0o644 });
    const groups = Array.from({ length: 6 }, (_, w) => Array.from({ length: 4 }, (_, k) => `rt-w${w}-${k}`));
    const runs = groups.map((names) => run({ mode: 'updates', names, rounds: 5 }));
    expect(await Promise.all(runs.map((r) => r.exited))).toEqual(groups.map(() => 0));
    for (const r of runs) expect(r.lines.at(-1)).toMatchObject({ done: true, writes: 20, configErrors: 0 });

    const doc = onDisk();
    const got = byName(doc);
    for (const name of groups.flat()) expect(got.get(name)).toEqual(stsProfile(name, 5));
    for (const p of seed['profiles'] as CliProfile[]) expect(same(got.get(p.name), p)).toBe(true);
    expect(Object.keys(doc)).toEqual(['current', 'profiles', 'x_unknown_top', 'meta_path']);
    expect(doc.current).toBe('default');
    expect(doc['x_unknown_top']).toEqual({ keep: 'me' });
    expect(modeOf(file)).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['config.json']);
  });

  it('racing a CLI-style foreign writer: every read is valid JSON and a final RoleTray pass keeps what it sees', async () => {
    fs.writeFileSync(file, cliText(userDoc()));
    const groups = Array.from({ length: 4 }, (_, w) => Array.from({ length: 3 }, (_, k) => `rt-f${w}-${k}`));
    const foreign = run({ mode: 'foreign', rounds: 60, tag: 'cli' });
    const runs = groups.map((names) => run({ mode: 'updates', names, rounds: 6 }));
    expect(await Promise.all([foreign, ...runs].map((r) => r.exited))).toEqual([0, ...groups.map(() => 0)]);
    // The foreign writer's own writes are complete before it reads again, so a torn read
    // would have been a RoleTray write seen half-done.
    expect(foreign.lines.at(-1)).toEqual({ done: true, badReads: 0 });

    // A non-atomic whole-file writer can drop RoleTray's updates (its race, not ours): the
    // next RoleTray pass restores them and keeps everything it found.
    const before = onDisk();
    const all = groups.flat();
    const res = await new CliConfigFile(file).update(
      all.map((name) => ({ kind: 'upsert' as const, profile: stsProfile(name, 99) })),
      new Set(all),
    );
    expect(res.clashes).toEqual([]);
    const after = onDisk();
    const got = byName(after);
    for (const name of all) expect(got.get(name)).toEqual(stsProfile(name, 99));
    for (const p of before.profiles) {
      if (!all.includes(p.name)) expect(same(got.get(p.name), p)).toBe(true);
    }
    expect(after.profiles.filter((p) => p.name.startsWith('cli-')).length).toBeGreaterThan(0);
    expect(modeOf(file)).toBe(0o600);
  });

  it('kill -9 in the middle of a write loop leaves the old or the new file, never a partial one', async () => {
    const foreignProfiles = Array.from({ length: 1000 }, (_, k) => ({ ...stsProfile(`user-${k}`, k), mode: 'AK' }));
    fs.writeFileSync(file, cliText({ current: 'user-0', profiles: foreignProfiles, meta_path: '' }));
    const looper = run({ mode: 'loop', names: ['rt-loop'] });
    await looper.waitFor((l) => l['wrote'] === 3);
    await new Promise((resolve) => setTimeout(resolve, 15 + Math.random() * 30));
    looper.child.kill('SIGKILL');
    expect(await looper.exited).toBe('SIGKILL');
    const lastReported = Math.max(...looper.lines.map((l) => Number(l['wrote'])));

    const doc = onDisk(); // throws if the file is torn
    expect(doc.profiles).toHaveLength(1001);
    doc.profiles.slice(0, 1000).forEach((p, k) => expect(same(p, foreignProfiles[k])).toBe(true));
    const n = Number(doc.profiles[1000]?.['sts_expiration']) - 1_900_000_000;
    expect(n === lastReported || n === lastReported + 1).toBe(true);
    expect(modeOf(file)).toBe(0o600);

    // Whether or not the child died holding the lock, the next writer gets through.
    const started = Date.now();
    await new CliConfigFile(file, { lockStaleMs: STALE_MS }).update([{ kind: 'upsert', profile: stsProfile('rt-next') }], new Set(['rt-next']));
    expect(Date.now() - started).toBeLessThan(STALE_MS * 3);
    expect(byName(onDisk()).get('rt-next')).toEqual(stsProfile('rt-next'));
  });

  it('a process killed while holding the lock does not block the next writer beyond the stale time', async () => {
    const original = cliText(userDoc());
    fs.writeFileSync(file, original);
    const holder = run({ mode: 'hold' });
    await holder.waitFor((l) => l['holding'] === true);
    holder.child.kill('SIGKILL');
    await holder.exited;
    expect(fs.existsSync(file + CLI_CONFIG_LOCK_SUFFIX)).toBe(true); // the dead process's lock is still there
    expect(fs.readFileSync(file, 'utf8')).toBe(original);

    const started = Date.now();
    await new CliConfigFile(file, { lockStaleMs: STALE_MS }).update([{ kind: 'upsert', profile: stsProfile('rt-after') }], new Set(['rt-after']));
    const waited = Date.now() - started;
    expect(waited).toBeLessThan(STALE_MS * 3);
    const names = onDisk().profiles.map((p) => p.name);
    expect(names).toEqual(['default', 'sso', 'rt-after']);
    expect(fs.existsSync(file + CLI_CONFIG_LOCK_SUFFIX)).toBe(false);
  });
});
