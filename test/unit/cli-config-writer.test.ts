/**
 * CoalescingConfigWriter: a refresh burst becomes one locked read-modify-write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliConfigFile, CoalescingConfigWriter, parseCliConfig } from '../../main/core/cli-config';
import type { CliConfigDoc } from '../../main/core/cli-config';
import { RoleTrayError } from '../../main/core/errors';
import { cliText, stsProfile, tempDir, userDoc } from '../helpers/cli-config-fixtures';

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir();
  file = path.join(dir, 'config.json');
  fs.writeFileSync(file, cliText(userDoc()));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const names = (n: number) => Array.from({ length: n }, (_, k) => `rt-${k}`);
const onDisk = (): CliConfigDoc => parseCliConfig(fs.readFileSync(file, 'utf8'), file);

describe('CoalescingConfigWriter', () => {
  it('turns 50 enqueues in one tick into exactly one write with all 50 profiles', async () => {
    const all = names(50);
    const cfg = new CliConfigFile(file);
    const writer = new CoalescingConfigWriter(cfg, () => new Set(all));
    const results = await Promise.all(all.map((n, k) => writer.enqueue({ kind: 'upsert', profile: stsProfile(n, k) })));
    expect(writer.writes).toBe(1);
    expect(cfg.writes).toBe(1);
    for (const r of results) expect(r).toEqual({ changed: true, previousCurrent: 'default', clashes: [] });
    const doc = onDisk();
    expect(doc.profiles.map((p) => p.name)).toEqual(['default', 'sso', ...all]);
    expect(doc.profiles[2 + 49]).toEqual(stsProfile('rt-49', 49));
    expect(doc['x_unknown_top']).toEqual({ keep: 'me' });
  });

  it('batches what arrives during a write into the next single write', async () => {
    const all = names(4);
    const writer = new CoalescingConfigWriter(new CliConfigFile(file), () => new Set(all));
    const first = writer.enqueue({ kind: 'upsert', profile: stsProfile('rt-0') });
    await new Promise((resolve) => setTimeout(resolve, 0)); // the first batch's timer fired: it is in flight
    const rest = all.slice(1).map((n) => writer.enqueue({ kind: 'upsert', profile: stsProfile(n) }));
    await Promise.all([first, ...rest]);
    expect(writer.writes).toBe(2);
    expect(onDisk().profiles.map((p) => p.name)).toEqual(['default', 'sso', ...all]);
  });

  it("fails only the change that is wrong, and reports a clash to every caller of the write", async () => {
    const writer = new CoalescingConfigWriter(new CliConfigFile(file), () => new Set(['rt-a']));
    const ok = writer.enqueue({ kind: 'upsert', profile: stsProfile('rt-a') });
    const clash = writer.enqueue({ kind: 'upsert', profile: stsProfile('sso') });
    const missing = writer.enqueue({ kind: 'switch', name: 'rt-missing' });
    const switched = writer.enqueue({ kind: 'switch', name: 'rt-a' });
    const err: unknown = await missing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoleTrayError);
    expect((err as RoleTrayError).code).toBe('not-found');
    expect(await ok).toEqual({ changed: true, previousCurrent: 'default', clashes: ['sso'] });
    expect((await clash).clashes).toEqual(['sso']);
    await switched;
    expect(writer.writes).toBe(1);
    const doc = onDisk();
    expect(doc.current).toBe('rt-a');
    expect(doc.profiles.find((p) => p.name === 'sso')).toEqual((userDoc()['profiles'] as unknown[])[1]);
  });

  it('rejects every change of a batch when the file is invalid, and writes nothing', async () => {
    fs.writeFileSync(file, '{"current": "default", "profiles": [');
    const writer = new CoalescingConfigWriter(new CliConfigFile(file), () => new Set(['rt-a', 'rt-b']));
    const outcomes = await Promise.allSettled([
      writer.enqueue({ kind: 'upsert', profile: stsProfile('rt-a') }),
      writer.enqueue({ kind: 'upsert', profile: stsProfile('rt-b') }),
    ]);
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect(((o as PromiseRejectedResult).reason as RoleTrayError).code).toBe('config-file');
    }
    expect(writer.writes).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"current": "default", "profiles": [');
  });

  it('flush() writes at once instead of waiting for the delay, and resolves when idle', async () => {
    const writer = new CoalescingConfigWriter(new CliConfigFile(file), () => new Set(['rt-a']), { delayMs: 60_000 });
    const pending = writer.enqueue({ kind: 'upsert', profile: stsProfile('rt-a') });
    const started = Date.now();
    await writer.flush();
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(pending).resolves.toMatchObject({ changed: true });
    expect(writer.writes).toBe(1);
    await writer.flush(); // idle: returns at once
    expect(onDisk().profiles.map((p) => p.name)).toContain('rt-a');
  });

  it('asks for the managed set at write time', async () => {
    let managed: ReadonlySet<string> = new Set<string>();
    const writer = new CoalescingConfigWriter(new CliConfigFile(file), () => managed);
    await writer.enqueue({ kind: 'upsert', profile: stsProfile('rt-a', 1) });
    managed = new Set(['rt-a']);
    const res = await writer.enqueue({ kind: 'upsert', profile: stsProfile('rt-a', 2) });
    expect(res.clashes).toEqual([]);
    expect(onDisk().profiles.find((p) => p.name === 'rt-a')).toEqual(stsProfile('rt-a', 2));
  });
});
