/**
 * File helpers shared by the catalog and other RoleTray-owned files: a cross-process lock
 * (proper-lockfile) and atomic writes (write-file-atomic: temp file in the same dir + rename).
 */
import { mkdir, chmod } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { RoleTrayError } from './errors';

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') await chmod(dir, 0o700).catch(() => undefined);
}

/** Run fn while holding a lock on `target` (the lock is `<target>.roletray.lock`, so target need not exist). */
export async function withFileLock<T>(target: string, fn: () => Promise<T>, opts: { staleMs?: number; retries?: number } = {}): Promise<T> {
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(target, {
      // proper-lockfile's default throws from a timer, which would crash the app. A lock held past
      // `stale` (a process stalled for seconds) is taken over by the next writer; the write itself
      // stays atomic, so nothing here is worth crashing for.
      onCompromised: () => undefined,
      realpath: false,
      lockfilePath: `${target}.roletray.lock`,
      stale: opts.staleMs ?? 10_000,
      update: Math.max(1000, Math.floor((opts.staleMs ?? 10_000) / 2)),
      retries: { retries: opts.retries ?? 200, minTimeout: 5, maxTimeout: 100, factor: 1.3 },
    });
  } catch (e) {
    throw new RoleTrayError('io', `could not lock ${target} (another RoleTray process holds it)`, {
      hint: 'try again; if it persists, check for a hung roletray process',
      cause: e,
    });
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}

export async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text, { mode: 0o600, fsync: true });
}
