/**
 * Crash safety: a RoleTray writer is killed with SIGKILL at random points while it rewrites a big
 * aliyun CLI config (1,200 profiles, so each write takes a while), over about 200 writes in all.
 *
 * - a reader polls the file the whole time: every read parses, holds all foreign profiles and one
 *   managed profile (old or new version, never a mix);
 * - after each kill the file is exactly the last reported version or the next one;
 * - the kills land inside writes (between "writing n" and "wrote n") at least some of the time;
 * - the next writer is never blocked by the dead one's lock beyond proper-lockfile's stale time.
 */
import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_CONFIG_LOCK_SUFFIX, CliConfigFile, parseCliConfig } from '../../main/core/cli-config';
import { cliText, stsProfile, tempDir } from '../helpers/cli-config-fixtures';
import { bundle, runChild, seeded } from '../helpers/reliability-env';

const TOTAL_WRITES = 200;
const FOREIGN = 1200;
const STALE_MS = 2000; // proper-lockfile's minimum
let child: { file: string; remove(): void };
let dir: string;

beforeAll(() => {
  child = bundle('test/helpers/reliability-child.ts', 'child');
  dir = tempDir('roletray-rel-crash-');
});
afterAll(() => {
  child?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during writes', () => {
  it('leaves the old or the new file, never a partial one, and never a lock that blocks the next writer', async () => {
    const file = path.join(dir, 'config.json');
    const foreign = Array.from({ length: FOREIGN }, (_, k) => ({ ...stsProfile(`user-${k}`, k), mode: 'AK', x_note: `keep ${k} <&>` }));
    fs.writeFileSync(file, cliText({ current: 'user-0', profiles: foreign, meta_path: '' }));
    const foreignText = foreign.map((p) => JSON.stringify(p));
    const rand = seeded(20261123);

    // the reader: polls the file while the writers run and are killed
    let polling = true;
    let reads = 0;
    const torn: string[] = [];
    const versions = new Set<number>();
    const reader = (async () => {
      while (polling) {
        const text = await readFile(file, 'utf8');
        reads++;
        try {
          const doc = parseCliConfig(text, file);
          const loop = doc.profiles.filter((p) => p.name === 'rt-loop');
          if (doc.profiles.length - loop.length !== FOREIGN || loop.length > 1) torn.push(`read ${reads}: ${doc.profiles.length} profiles`);
          if (loop[0]) {
            const n = Number(loop[0]['sts_expiration']) - 1_900_000_000;
            if (loop[0]['access_key_secret'] !== `loop-secret-${n}` || loop[0]['sts_token'] !== `loop-token-${n}`) torn.push(`read ${reads}: mixed versions`);
            versions.add(n);
          }
          if (reads % 25 === 0 && doc.profiles.slice(0, FOREIGN).some((p, k) => JSON.stringify(p) !== foreignText[k])) torn.push(`read ${reads}: foreign changed`);
        } catch (e) {
          torn.push(`read ${reads}: ${(e as Error).message}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();

    let written = 0;
    let kills = 0;
    let killedMidWrite = 0;
    let maxUnblockMs = 0;
    let next = 1;
    try {
      while (written < TOTAL_WRITES) {
        const batch = Math.max(5, Math.min(TOTAL_WRITES - written, 45 + Math.floor(rand() * 20)));
        const run = runChild(child.file, { mode: 'loop', path: file, start: next, seed: Math.floor(rand() * 1e9) }, process.env);
        const target = next + batch - 1;
        await run.waitFor((l) => Number(l['wrote']) >= target - 1);
        // kill at a random moment of the next write (each takes a few ms on a 1,200-profile file)
        await new Promise((resolve) => setTimeout(resolve, rand() * 12));
        run.child.kill('SIGKILL');
        expect(await run.exited).toBe('SIGKILL');
        kills++;
        const wrote = run.lines.map((l) => Number(l['wrote'])).filter((n) => n > 0);
        const lastWrote = Math.max(next - 1, ...wrote);
        const lastWriting = Math.max(0, ...run.lines.map((l) => Number(l['writing'])).filter((n) => n > 0));
        if (lastWriting > lastWrote) killedMidWrite++;
        written += lastWrote - (next - 1);

        // old or new, nothing else
        const doc = parseCliConfig(fs.readFileSync(file, 'utf8'), file);
        const n = Number(doc.profiles.find((p) => p.name === 'rt-loop')?.['sts_expiration']) - 1_900_000_000;
        expect([lastWrote, lastWrote + 1]).toContain(n);
        expect(doc.profiles).toHaveLength(FOREIGN + 1);

        // the next writer gets through even if the dead one held the lock
        const t0 = Date.now();
        const lockLeft = fs.existsSync(file + CLI_CONFIG_LOCK_SUFFIX);
        await new CliConfigFile(file, { lockStaleMs: STALE_MS }).update([{ kind: 'upsert', profile: { ...stsProfile('rt-loop', n + 1), access_key_id: `STS.LOOP${n + 1}`, access_key_secret: `loop-secret-${n + 1}`, sts_token: `loop-token-${n + 1}` } }], new Set(['rt-loop']));
        const waited = Date.now() - t0;
        maxUnblockMs = Math.max(maxUnblockMs, waited);
        expect(waited).toBeLessThan(STALE_MS * 3);
        if (!lockLeft) expect(waited).toBeLessThan(1000);
        written++;
        next = n + 2;
      }
    } finally {
      polling = false;
      await reader;
    }
    expect(torn).toEqual([]);
    expect(reads).toBeGreaterThan(200);
    expect(written).toBeGreaterThanOrEqual(TOTAL_WRITES);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(killedMidWrite).toBeGreaterThan(0);
    expect(versions.size).toBeGreaterThan(50);
    // leftovers of killed writes are only RoleTray's own temp files (removed by the next locked
    // write), never anything else
    const stray = fs.readdirSync(dir).filter((f) => f !== 'config.json' && !f.startsWith('.config.json.roletray-') && !f.endsWith('.roletray.lock'));
    expect(stray).toEqual([]);
    if (process.env['ROLETRAY_RELIABILITY_VERBOSE']) console.info('crash safety', { written, kills, killedMidWrite, reads, maxUnblockMs, tempLeft: fs.readdirSync(dir).length - 1 });
  }, 60_000);
});
