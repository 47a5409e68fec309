/**
 * Child process for the cross-process CLI config tests. Bundled with esbuild by the test and run
 * with plain `node child.cjs '<json args>'`. Reports on stdout, one JSON object per line.
 *
 * Modes:
 * - updates: RoleTray writes; `rounds` rounds of one locked update per name.
 * - foreign: the aliyun CLI; read the whole file, add a profile, write it back whole and in place
 *   (fs.writeFileSync, tab indent), like pre-3.4.9 CLIs. Counts reads that were not valid JSON.
 * - loop: RoleTray writes forever, printing {"wrote": n} after each write (killed by the test).
 * - hold: takes the lock and stops inside it, printing {"holding": true} (killed by the test).
 */
import * as fs from 'node:fs';
import { CliConfigFile } from '../../main/core/cli-config';
import { RoleTrayError } from '../../main/core/errors';
import { stsProfile } from './cli-config-fixtures';

interface Args {
  mode: 'updates' | 'foreign' | 'loop' | 'hold';
  path: string;
  names?: string[];
  rounds?: number;
  staleMs?: number;
  tag?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;

function report(value: unknown): void {
  fs.writeSync(1, `${JSON.stringify(value)}\n`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function updates(): Promise<void> {
  const names = args.names ?? [];
  const managed = new Set(names);
  const cfg = new CliConfigFile(args.path, { lockStaleMs: args.staleMs });
  let configErrors = 0;
  for (let round = 1; round <= (args.rounds ?? 1); round++) {
    for (const name of names) {
      for (;;) {
        try {
          await cfg.update([{ kind: 'upsert', profile: stsProfile(name, round) }], managed);
          break;
        } catch (e) {
          // A foreign writer between truncate and write shows an empty or partial file: retry.
          if (e instanceof RoleTrayError && e.code === 'config-file' && configErrors < 1000) {
            configErrors++;
            continue;
          }
          throw e;
        }
      }
    }
  }
  report({ done: true, writes: cfg.writes, configErrors });
}

async function foreign(): Promise<void> {
  let badReads = 0;
  for (let i = 0; i < (args.rounds ?? 1); i++) {
    const text = fs.readFileSync(args.path, 'utf8');
    let doc: { profiles: unknown[] };
    try {
      doc = JSON.parse(text) as { profiles: unknown[] };
    } catch {
      badReads++; // only RoleTray writes happen between our own complete writes: this would be its fault
      await sleep(1);
      continue;
    }
    doc.profiles.push({ name: `${args.tag ?? 'cli'}-${i}`, mode: 'AK', access_key_id: 'FAKEAKID', access_key_secret: 'fake', region_id: 'cn-hangzhou' });
    fs.writeFileSync(args.path, JSON.stringify(doc, null, '\t'));
    await sleep(2);
  }
  report({ done: true, badReads });
}

async function loop(): Promise<void> {
  const name = args.names?.[0] ?? 'rt-loop';
  const cfg = new CliConfigFile(args.path, { lockStaleMs: args.staleMs });
  for (let n = 1; ; n++) {
    await cfg.update([{ kind: 'upsert', profile: stsProfile(name, n) }], new Set([name]));
    report({ wrote: n });
  }
}

async function hold(): Promise<void> {
  const cfg = new CliConfigFile(args.path, { lockStaleMs: args.staleMs });
  await cfg.modify((doc) => {
    doc.profiles.push({ name: 'never-written' });
    report({ holding: true });
    for (;;) {
      // stay inside the lock until SIGKILL
    }
  });
}

const modes = { updates, foreign, loop, hold };
modes[args.mode]().catch((e: unknown) => {
  report({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  process.exit(1);
});
