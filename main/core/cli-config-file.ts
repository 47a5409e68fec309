/**
 * The aliyun CLI config on disk: locked, re-read, atomic read-modify-write.
 *
 * Every RoleTray process (app and CLIs) takes the same lock, a proper-lockfile lock directory
 * `<config>.roletray.lock` next to the real file, so it works before config.json exists. Inside
 * the lock the file is re-read, changed in memory, and written atomically (temp file
 * in the same directory, fsync, check, rename, mode 0600). A symlinked config.json is written through
 * to its target and the link is kept. A file that is not valid JSON is never written.
 */
import type { Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import * as nodePath from 'node:path';
import lockfile from 'proper-lockfile';
import { randomBytes } from 'node:crypto';
import { applyChanges, emptyCliConfig, parseCliConfig, serializeCliConfig } from './cli-config-doc';
import type { ApplyResult, CliConfigDoc, ConfigChange } from './cli-config-doc';
import { RoleTrayError } from './errors';

/** Suffix of the lock directory created next to the (real) config file while RoleTray writes it. */
export const CLI_CONFIG_LOCK_SUFFIX = '.roletray.lock';

export interface CliConfigFileOptions {
  /** A lock older than this is taken over (its holder died). proper-lockfile's minimum is 2000. Default 10000. */
  lockStaleMs?: number | undefined;
  /** Retries to get a held lock (waits grow from 5 ms to 100-200 ms, randomized). Default: enough to outlast a stale lock. */
  lockRetries?: number | undefined;
}

const DEFAULT_LOCK_STALE_MS = 10_000;
const MIN_LOCK_STALE_MS = 2_000;
const LOCK_MAX_WAIT_MS = 100;
/** A file that reads as invalid is read once more after this long: it may be mid-write by a non-atomic writer. */
const INVALID_REREAD_MS = 50;
/** Re-read and re-apply when the file changed between our read and our write (a writer that ignores our lock). */
const MAX_ATTEMPTS = 25;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

interface Loaded {
  doc: CliConfigDoc;
  /** The file's text, undefined when the file does not exist. */
  text: string | undefined;
  stat: Stats | undefined;
}

/** The aliyun CLI config file at `path` (the path the user configured; symlinks are followed). */
export class CliConfigFile {
  readonly path: string;
  readonly #staleMs: number;
  readonly #retries: number;
  #writes = 0;

  constructor(path: string, opts: CliConfigFileOptions = {}) {
    this.path = path;
    this.#staleMs = Math.max(opts.lockStaleMs ?? DEFAULT_LOCK_STALE_MS, MIN_LOCK_STALE_MS);
    this.#retries = opts.lockRetries ?? Math.ceil((this.#staleMs * 1.5) / LOCK_MAX_WAIT_MS) + 10;
  }

  /** Physical writes made through this object. */
  get writes(): number {
    return this.#writes;
  }

  /**
   * Read the file without locking (writers rename atomically, so a read sees a whole version).
   *
   * A missing file gives `emptyCliConfig()` and `exists: false`; nothing is created.
   * Throws RoleTrayError('config-file') when the file is not valid, 'io' when it cannot be read.
   */
  async read(): Promise<{ doc: CliConfigDoc; exists: boolean }> {
    const loaded = await this.#load(await resolveTarget(this.path));
    return { doc: loaded.doc, exists: loaded.text !== undefined };
  }

  /**
   * Apply changes under the lock to the file as it is right now, and write it if anything changed.
   *
   * Clashes with profiles RoleTray does not manage are skipped and listed in `clashes`, never
   * thrown: check `result.clashes.includes(name)` and report RoleTrayError('conflict') for that role.
   * Throws 'config-file' (file invalid: nothing written), 'not-found' (switch to a missing
   * profile: nothing written), 'invalid-input', or 'io' (lock or file system).
   */
  update(changes: readonly ConfigChange[], managed: ReadonlySet<string>): Promise<ApplyResult> {
    return this.modify((doc) => applyChanges(doc, changes, managed));
  }

  /**
   * Lower-level update: lock, re-read, run `fn` on the fresh document (mutating it), write when
   * `fn` reports `changed`, unlock. `fn` may run more than once (on a throwaway empty document to
   * decide whether a missing directory must be created, and again when another program rewrote
   * the file between the read and the write), so it must compute its result from the document
   * alone. It must not call back into this file (the in-process queue would deadlock).
   */
  async modify<T extends { changed: boolean }>(fn: (doc: CliConfigDoc) => T): Promise<T> {
    const target = await resolveTarget(this.path);
    const dir = nodePath.dirname(target);
    if (!(await isDirectory(dir))) {
      // Never create anything for a change that changes nothing.
      const dry = fn(emptyCliConfig());
      if (!dry.changed) return dry;
      await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE }).catch((e: unknown) => {
        throw ioError('create the directory', dir, e);
      });
    }
    return inProcessQueue(target, () => this.#lockedModify(target, fn));
  }

  async #lockedModify<T extends { changed: boolean }>(target: string, fn: (doc: CliConfigDoc) => T): Promise<T> {
    const lockPath = target + CLI_CONFIG_LOCK_SUFFIX;
    let compromised: Error | undefined;
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(target, {
        realpath: false, // the file may not exist yet; `target` is already resolved
        lockfilePath: lockPath,
        stale: this.#staleMs,
        retries: { retries: this.#retries, factor: 1.5, minTimeout: 5, maxTimeout: LOCK_MAX_WAIT_MS, randomize: true },
        // Default is to throw from a timer, which would crash the process.
        onCompromised: (e) => {
          compromised = e;
        },
      });
    } catch (e) {
      throw lockError(this.path, lockPath, e);
    }
    try {
      await removeStaleTemps(target);
      // A foreign version we replaced (detected after our rename): it becomes the base of the next attempt.
      let recovered: string | undefined;
      for (let attempt = 1; ; attempt++) {
        let loaded = await this.#load(target);
        // what the file holds now: the base of the merge may be a recovered foreign version
        const onDisk = loaded.text;
        if (recovered !== undefined) {
          try {
            loaded = { doc: parseCliConfig(recovered, this.path), text: recovered, stat: loaded.stat };
          } catch {
            // their version was caught mid-write: nothing whole to recover
          }
          recovered = undefined;
        }
        const result = fn(loaded.doc);
        // After a recovery the disk holds our earlier write, not the merged base: write even when
        // our changes are already in the foreign version, or the foreign change would be lost.
        if (!result.changed && loaded.text === onDisk) return result;
        const text = serializeCliConfig(loaded.doc, loaded.text);
        if (compromised) {
          throw new RoleTrayError('io', `lost the lock on the aliyun CLI config ${this.path} before writing it`, {
            retryable: true,
            hint: 'another RoleTray process took over a lock it thought stale; try again',
            cause: compromised,
          });
        }
        // Atomic replace with the foreign-writer check as late as possible: the temp file is
        // written and fsynced first, then the file is checked unchanged, then renamed over it.
        // (write-file-atomic has no hook between fsync and rename, hence this small version.)
        const tmp = await writeTemp(target, text).catch((e: unknown) => {
          throw ioError('write', this.path, e);
        });
        if (!(await unchangedSince(target, loaded.stat))) {
          await fsp.unlink(tmp).catch(() => undefined);
          if (attempt < MAX_ATTEMPTS) {
            // let the other writer finish before reading its version
            await new Promise((r) => setTimeout(r, 1 + Math.floor(Math.random() * Math.min(20, attempt * 3))));
            continue;
          }
          throw new RoleTrayError('config-file', `another program kept rewriting the aliyun CLI config ${this.path}; RoleTray did not overwrite its changes`, {
            retryable: true,
            hint: 'try again in a moment',
          });
        }
        // Keep a hard link to the version we are replacing: a writer that ignores our lock and
        // changed it after our check is seen below, and its version is merged, not lost.
        const old = loaded.stat ? `${tmp}.old` : undefined;
        if (old) await fsp.link(target, old).catch(() => undefined);
        try {
          await fsp.rename(tmp, target);
        } catch (e) {
          await fsp.unlink(tmp).catch(() => undefined);
          if (old) await fsp.unlink(old).catch(() => undefined);
          throw ioError('write', this.path, e);
        }
        this.#writes++;
        if (old) {
          const replaced = await settledText(old, onDisk);
          await fsp.unlink(old).catch(() => undefined);
          if (replaced !== onDisk && replaced !== undefined && attempt < MAX_ATTEMPTS) {
            recovered = replaced;
            continue;
          }
        }
        return result;
      }
    } finally {
      await release().catch(() => undefined); // already released when compromised; a leftover lock goes stale
    }
  }

  /** Read and parse; an invalid file is read once more after a moment before giving up. */
  async #load(target: string): Promise<Loaded> {
    const first = await readSnapshot(target, this.path);
    try {
      return parsed(first, this.path);
    } catch (e) {
      if (!(e instanceof RoleTrayError) || e.code !== 'config-file') throw e;
      await new Promise((resolve) => setTimeout(resolve, INVALID_REREAD_MS));
      const second = await readSnapshot(target, this.path);
      if (second.text === first.text) throw e;
      return parsed(second, this.path);
    }
  }
}

function parsed(snap: { text: string | undefined; stat: Stats | undefined }, path: string): Loaded {
  if (snap.text === undefined) return { doc: emptyCliConfig(), text: undefined, stat: undefined };
  return { doc: parseCliConfig(snap.text, path), text: snap.text, stat: snap.stat };
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

async function readSnapshot(target: string, shownPath: string): Promise<{ text: string | undefined; stat: Stats | undefined }> {
  let fh: FileHandle;
  try {
    fh = await fsp.open(target, 'r');
  } catch (e) {
    if (errCode(e) === 'ENOENT') return { text: undefined, stat: undefined };
    throw ioError('read', shownPath, e);
  }
  try {
    const stat = await fh.stat();
    const bytes = await fh.readFile();
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      // Decoding with replacement characters and writing back would corrupt the user's file.
      throw new RoleTrayError('config-file', `the aliyun CLI config ${shownPath} is not UTF-8 text; RoleTray left it untouched`, {
        hint: 'save it as UTF-8 (the aliyun CLI writes UTF-8) and try again',
      });
    }
    return { text, stat };
  } catch (e) {
    if (e instanceof RoleTrayError) throw e;
    throw ioError('read', shownPath, e);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * The text of the version we replaced. If it differs from what we read, another writer changed
 * it in place; when it is caught mid-write (not JSON yet), wait briefly for the write to finish.
 */
async function settledText(file: string, expected: string | undefined): Promise<string | undefined> {
  for (let i = 0; ; i++) {
    const text = await fsp.readFile(file, 'utf8').catch(() => expected);
    if (text === expected || text === undefined || i >= 400) return text;
    try {
      JSON.parse(text);
      return text;
    } catch {
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Under the lock, any RoleTray temp file next to the config is a leftover of a killed writer. */
async function removeStaleTemps(target: string): Promise<void> {
  const dir = nodePath.dirname(target);
  const prefix = `.${nodePath.basename(target)}.roletray-`;
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => fsp.unlink(nodePath.join(dir, n)).catch(() => undefined)));
}

/** Write `text` to a new temp file next to `target` (mode 0600, fsynced); returns its path. */
async function writeTemp(target: string, text: string): Promise<string> {
  const tmp = nodePath.join(nodePath.dirname(target), `.${nodePath.basename(target)}.roletray-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await fsp.open(tmp, 'wx', FILE_MODE);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.chmod(FILE_MODE);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  } finally {
    await fh.close().catch(() => undefined);
  }
  return tmp;
}

/** True when the file is still the version read (same inode, size, mtime and ctime), or still missing. */
async function unchangedSince(target: string, before: Stats | undefined): Promise<boolean> {
  let now: Stats;
  try {
    now = await fsp.stat(target);
  } catch (e) {
    if (errCode(e) === 'ENOENT') return before === undefined;
    throw ioError('read', target, e);
  }
  return (
    before !== undefined &&
    now.ino === before.ino &&
    now.size === before.size &&
    now.mtimeMs === before.mtimeMs &&
    now.ctimeMs === before.ctimeMs
  );
}

/**
 * The real file behind `path`: symlinks followed (also a dangling one, so the link is kept and its
 * target created), or, for a missing file, the real directory plus the file name.
 */
async function resolveTarget(path: string): Promise<string> {
  let current = nodePath.resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return await fsp.realpath(current);
    } catch (e) {
      if (errCode(e) !== 'ENOENT') throw ioError('resolve', path, e);
    }
    let isLink: boolean;
    try {
      isLink = (await fsp.lstat(current)).isSymbolicLink();
    } catch (e) {
      if (errCode(e) !== 'ENOENT') throw ioError('resolve', path, e);
      const dir = nodePath.dirname(current);
      const realDir = await fsp.realpath(dir).catch(() => dir);
      return nodePath.join(realDir, nodePath.basename(current));
    }
    if (!isLink) return current;
    current = nodePath.resolve(nodePath.dirname(current), await fsp.readlink(current));
  }
  throw new RoleTrayError('io', `too many levels of symbolic links at ${path}`);
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await fsp.stat(dir)).isDirectory();
  } catch {
    return false;
  }
}

/** One read-modify-write at a time per file inside this process (proper-lockfile locks are per process). */
const queues = new Map<string, Promise<void>>();

async function inProcessQueue<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(fn);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

function errCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function ioError(action: string, path: string, e: unknown): RoleTrayError {
  const code = errCode(e) ?? 'error';
  const hint =
    code === 'EACCES' || code === 'EPERM'
      ? `check the permissions of ${path} and its directory`
      : code === 'ENOSPC'
        ? 'free some disk space and try again'
        : 'check the file and try again';
  return new RoleTrayError('io', `cannot ${action} ${path} (${code})`, { hint, cause: e });
}

function lockError(path: string, lockPath: string, e: unknown): RoleTrayError {
  if (errCode(e) === 'ELOCKED') {
    return new RoleTrayError('io', `another RoleTray process is writing the aliyun CLI config ${path}`, {
      retryable: true,
      hint: `try again; if no RoleTray process is running, remove the directory ${lockPath}`,
      cause: e,
    });
  }
  return ioError('lock', lockPath, e);
}
