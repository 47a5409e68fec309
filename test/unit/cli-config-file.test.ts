/**
 * CliConfigFile against real files in temp directories: creation, modes, invalid files left
 * untouched, symlinks, locks, and a writer sneaking in between our read and our write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLI_CONFIG_LOCK_SUFFIX, CliConfigFile, emptyCliConfig, parseCliConfig } from '../../main/core/cli-config';
import type { CliConfigDoc } from '../../main/core/cli-config';
import { RoleTrayError } from '../../main/core/errors';
import { cliText, modeOf, stsProfile, tempDir, userDoc } from '../helpers/cli-config-fixtures';

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const upsert = (name: string, n = 1) => ({ kind: 'upsert' as const, profile: stsProfile(name, n) });

async function rejection(p: Promise<unknown>): Promise<RoleTrayError> {
  const e: unknown = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RoleTrayError);
  return e as RoleTrayError;
}

function onDisk(file: string): CliConfigDoc {
  return parseCliConfig(fs.readFileSync(file, 'utf8'), file);
}

/** Everything in the directory except the config itself: temp files or locks left behind. */
function leftovers(d: string, keep: string[]): string[] {
  return fs.readdirSync(d).filter((n) => !keep.includes(n));
}

describe('CliConfigFile', () => {
  it('reads a missing file as the empty config and creates nothing for a change that changes nothing', async () => {
    const file = path.join(dir, 'home', '.aliyun', 'config.json');
    const cfg = new CliConfigFile(file);
    expect(await cfg.read()).toEqual({ doc: emptyCliConfig(), exists: false });
    const res = await cfg.update([{ kind: 'remove', name: 'rt-a' }], new Set(['rt-a']));
    expect(res.changed).toBe(false);
    expect(fs.existsSync(path.join(dir, 'home'))).toBe(false);
    expect(cfg.writes).toBe(0);
  });

  it('creates the directory 0700 and the file 0600, written like the CLI', async () => {
    const file = path.join(dir, 'home', '.aliyun', 'config.json');
    const cfg = new CliConfigFile(file);
    const res = await cfg.update([upsert('rt-a')], new Set(['rt-a']));
    expect(res).toEqual({ changed: true, previousCurrent: 'default', clashes: [] });
    expect(modeOf(path.join(dir, 'home'))).toBe(0o700);
    expect(modeOf(path.dirname(file))).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toBe(cliText({ current: 'default', profiles: [stsProfile('rt-a')], meta_path: '' }));
    expect(leftovers(path.dirname(file), ['config.json'])).toEqual([]);
    expect(cfg.writes).toBe(1);
  });

  it('tightens an existing 0644 file to 0600 and keeps the directory mode', async () => {
    const file = path.join(dir, 'config.json');
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(file, cliText(userDoc()), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    await new CliConfigFile(file).update([upsert('rt-a')], new Set(['rt-a']));
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o755);
    const doc = onDisk(file);
    expect(doc.profiles.map((p) => p.name)).toEqual(['default', 'sso', 'rt-a']);
    expect(doc['x_unknown_top']).toEqual({ keep: 'me' });
  });

  it('does not rewrite the file when nothing changes (bytes and mtime kept)', async () => {
    const file = path.join(dir, 'config.json');
    const cfg = new CliConfigFile(file);
    await cfg.update([upsert('rt-a', 5), { kind: 'switch', name: 'rt-a' }], new Set(['rt-a']));
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(file, past, past);
    const before = fs.statSync(file);
    const res = await cfg.update([upsert('rt-a', 5), { kind: 'switch', name: 'rt-a' }], new Set(['rt-a']));
    expect(res.changed).toBe(false);
    expect(fs.statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(fs.statSync(file).ino).toBe(before.ino);
    expect(cfg.writes).toBe(1);
  });

  const invalid: { title: string; bytes: Buffer; message: RegExp }[] = [
    { title: 'a syntax error', bytes: Buffer.from('{\n\t"current": "default",\n\t"profiles": [\n\t\t{"name": "a"}\n\t\t{"name": "b"}\n\t]\n}'), message: /config\.json:5:3: .*not valid JSON/ },
    { title: 'an empty file', bytes: Buffer.alloc(0), message: /config\.json is empty/ },
    { title: 'a JSON array', bytes: Buffer.from('[]'), message: /unexpected shape/ },
    { title: 'non-UTF-8 bytes', bytes: Buffer.from([0x7b, 0x22, 0x63, 0xe9, 0x22, 0x3a, 0x31, 0x7d]), message: /not UTF-8/ },
  ];
  for (const row of invalid) {
    it(`leaves ${row.title} untouched (bytes and mtime) and says where`, async () => {
      const file = path.join(dir, 'config.json');
      fs.writeFileSync(file, row.bytes, { mode: 0o644 });
      const past = new Date(Date.now() - 60_000);
      fs.utimesSync(file, past, past);
      const before = fs.statSync(file);
      const cfg = new CliConfigFile(file);
      const err = await rejection(cfg.update([upsert('rt-a')], new Set(['rt-a'])));
      expect(err.code).toBe('config-file');
      expect(err.message).toContain(file);
      expect(err.message).toMatch(row.message);
      expect(err.message).toContain('untouched');
      expect(fs.readFileSync(file).equals(row.bytes)).toBe(true);
      const after = fs.statSync(file);
      expect(after.mtimeMs).toBe(before.mtimeMs);
      expect(after.mode & 0o777).toBe(0o644);
      expect(leftovers(dir, ['config.json'])).toEqual([]);
      expect((await rejection(cfg.read())).code).toBe('config-file');
    });
  }

  it('a switch to a missing profile fails with not-found and writes nothing', async () => {
    const file = path.join(dir, 'config.json');
    const original = cliText(userDoc());
    fs.writeFileSync(file, original);
    const err = await rejection(new CliConfigFile(file).update([upsert('rt-a'), { kind: 'switch', name: 'rt-b' }], new Set(['rt-a'])));
    expect(err.code).toBe('not-found');
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
  });

  it('reports a clash with an unmanaged profile and does not write', async () => {
    const file = path.join(dir, 'config.json');
    const original = cliText(userDoc());
    fs.writeFileSync(file, original);
    const cfg = new CliConfigFile(file);
    const res = await cfg.update([upsert('sso')], new Set(['rt-a']));
    expect(res).toEqual({ changed: false, previousCurrent: 'default', clashes: ['sso'] });
    expect(fs.readFileSync(file, 'utf8')).toBe(original);
    expect(cfg.writes).toBe(0);
  });

  it('writes through a symlinked config.json to its target and keeps the link', async () => {
    const dotfiles = path.join(dir, 'dotfiles');
    const aliyun = path.join(dir, '.aliyun');
    fs.mkdirSync(dotfiles);
    fs.mkdirSync(aliyun);
    const target = path.join(dotfiles, 'aliyun.json');
    fs.writeFileSync(target, cliText(userDoc()), { mode: 0o644 });
    const link = path.join(aliyun, 'config.json');
    fs.symlinkSync('../dotfiles/aliyun.json', link);

    await new CliConfigFile(link).update([upsert('rt-a')], new Set(['rt-a']));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readlinkSync(link)).toBe('../dotfiles/aliyun.json');
    expect(onDisk(target).profiles.map((p) => p.name)).toEqual(['default', 'sso', 'rt-a']);
    expect(modeOf(target)).toBe(0o600);
    expect(leftovers(dotfiles, ['aliyun.json'])).toEqual([]);
    expect(leftovers(aliyun, ['config.json'])).toEqual([]);
  });

  it('creates the target of a dangling symlink instead of replacing the link', async () => {
    const link = path.join(dir, 'config.json');
    fs.symlinkSync('real/config.json', link);
    await new CliConfigFile(link).update([upsert('rt-a')], new Set(['rt-a']));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(onDisk(path.join(dir, 'real', 'config.json')).profiles.map((p) => p.name)).toEqual(['rt-a']);
    expect(modeOf(path.join(dir, 'real'))).toBe(0o700);
  });

  it('waits for a held lock, gives up with a retryable error, and takes over a stale one', async () => {
    const file = path.join(dir, 'config.json');
    const lock = file + CLI_CONFIG_LOCK_SUFFIX;
    fs.mkdirSync(lock); // a live holder: fresh mtime
    const err = await rejection(new CliConfigFile(file, { lockStaleMs: 2000, lockRetries: 2 }).update([upsert('rt-a')], new Set(['rt-a'])));
    expect(err.code).toBe('io');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('another RoleTray process');
    expect(err.hint).toContain(lock);
    expect(fs.existsSync(file)).toBe(false);

    const old = new Date(Date.now() - 60_000); // the holder died a minute ago
    fs.utimesSync(lock, old, old);
    await new CliConfigFile(file, { lockStaleMs: 2000, lockRetries: 2 }).update([upsert('rt-a')], new Set(['rt-a']));
    expect(onDisk(file).profiles.map((p) => p.name)).toEqual(['rt-a']);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('re-reads and re-applies when another program rewrites the file between the read and the write', async () => {
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, cliText(userDoc()));
    const cfg = new CliConfigFile(file);
    let calls = 0;
    const res = await cfg.modify((doc) => {
      calls++;
      if (calls === 1) {
        // the aliyun CLI saves the whole file while we hold our (RoleTray-only) lock
        const theirs = userDoc();
        (theirs['profiles'] as unknown[]).push({ name: 'added-by-cli', mode: 'AK' });
        fs.writeFileSync(file, cliText(theirs));
      }
      doc.profiles.push({ ...stsProfile('rt-a') });
      return { changed: true };
    });
    expect(res.changed).toBe(true);
    expect(calls).toBe(2);
    expect(onDisk(file).profiles.map((p) => p.name)).toEqual(['default', 'sso', 'added-by-cli', 'rt-a']);
    expect(cfg.writes).toBe(1);
  });

  it('handles 1,000 profiles with one parse and one stringify of the document per write', async () => {
    const file = path.join(dir, 'config.json');
    const profiles = Array.from({ length: 1000 }, (_, k) => ({ ...stsProfile(`user-${k}`, k), mode: 'AK', x_extra: k }));
    fs.writeFileSync(file, cliText({ current: 'user-0', profiles, meta_path: '' }));
    const cfg = new CliConfigFile(file);
    const parse = vi.spyOn(JSON, 'parse');
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      const started = performance.now();
      await cfg.update([upsert('rt-a'), { kind: 'switch', name: 'rt-a' }], new Set(['rt-a']));
      const elapsed = performance.now() - started;
      const bigParses = parse.mock.calls.filter(([text]) => typeof text === 'string' && text.length > 100_000).length;
      const docStringifies = stringify.mock.calls.filter(([value]) => (value as CliConfigDoc | null)?.profiles?.length === 1001).length;
      expect(bigParses).toBe(1);
      expect(docStringifies).toBe(1);
      expect(elapsed).toBeLessThan(1000);
    } finally {
      parse.mockRestore();
      stringify.mockRestore();
    }
    const doc = onDisk(file);
    expect(doc.profiles).toHaveLength(1001);
    expect(doc.current).toBe('rt-a');
    expect(doc.profiles[999]).toEqual(profiles[999]);
  });

  it('serializes concurrent updates from one process (no lost update)', async () => {
    const file = path.join(dir, 'config.json');
    const names = Array.from({ length: 12 }, (_, k) => `rt-${k}`);
    const managed = new Set(names);
    // separate objects, as separate parts of an app would hold
    await Promise.all(names.map((n) => new CliConfigFile(file).update([upsert(n)], managed)));
    expect(
      onDisk(file)
        .profiles.map((p) => p.name)
        .sort(),
    ).toEqual([...names].sort());
  });
});
