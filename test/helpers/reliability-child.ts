/**
 * Child process of the reliability suite. Bundled with esbuild (test/helpers/reliability-env.ts)
 * and run as `node child.mjs '<json args>'`; reports one JSON object per stdout line (written
 * synchronously, so a line printed before a SIGKILL is never lost).
 *
 * Modes:
 * - roletray: a RoleTray process (createCore, the same object graph as the app and the CLI)
 *   doing random assume / switch / refresh / stop on its own roles; then waits for {"final":true}
 *   on stdin and reconciles (refreshes what it meant to keep, stops the rest).
 * - foreign: the aliyun CLI: read the whole file, add a profile and bump a counter, write the whole
 *   file back with plain fs.writeFileSync (tab or 4-space indent, not atomic, no lock). Checks on
 *   every read that nothing it wrote before was lost.
 * - loop: RoleTray's CLI config writer in a loop on a big file ({"writing":n} / {"wrote":n}).
 * - probe: scripted core calls for the keychain tests; secrets come from the environment.
 */
import * as fs from 'node:fs';
import { createInterface } from 'node:readline';
import { CliConfigFile, type ManagedProfile } from '../../main/core/cli-config';
import { RoleTrayError, asRoleTrayError } from '../../main/core/errors';
import { createCore } from '../../main/core/index';
import { seeded } from './reliability-env';

interface Args {
  mode: 'roletray' | 'foreign' | 'loop' | 'probe';
  path?: string;
  roles?: string[];
  ops?: number;
  seed?: number;
  rounds?: number;
  start?: number;
  steps?: string[];
  arn?: string;
  /** foreign: pause between writes, minGapMs + [0, jitterMs). */
  minGapMs?: number;
  jitterMs?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const report = (value: unknown): void => void fs.writeSync(1, `${JSON.stringify(value)}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stdinLine(pred: (v: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (l) => {
      try {
        if (pred(JSON.parse(l) as Record<string, unknown>)) {
          rl.close();
          resolve();
        }
      } catch {
        /* ignore */
      }
    });
  });
}

async function roletray(): Promise<void> {
  const core = createCore({ env: process.env });
  const m = core.manager;
  await m.catalog();
  const rand = seeded(args.seed ?? 1);
  const roles = args.roles ?? [];
  const intended: Record<string, 'active' | 'stopped'> = Object.fromEntries(roles.map((r) => [r, 'stopped']));
  const counts = { ok: 0, transient: 0, unexpected: 0, reads: 0, readErrors: 0 };
  const unexpected: string[] = [];
  const transient: Record<string, number> = {};
  const ops = ['assume', 'switch', 'refresh', 'stop', 'switch', 'assume'] as const;
  for (let i = 0; i < (args.ops ?? 10); i++) {
    const role = roles[Math.floor(rand() * roles.length)]!;
    const op = ops[Math.floor(rand() * ops.length)]!;
    try {
      if (op === 'assume') await m.assume(role);
      else if (op === 'switch') await m.switchTo(role);
      else if (op === 'refresh') await m.assume(role, { force: true });
      else await m.stop(role);
      intended[role] = op === 'stop' ? 'stopped' : 'active';
      counts.ok++;
    } catch (e) {
      const err = asRoleTrayError(e);
      // The foreign writer truncates and rewrites the file in place: RoleTray may find it empty or
      // half-written (it re-reads once, then refuses to touch it), or find our profile gone when
      // the foreign writer wrote back a copy it read before ours (a switch then has nothing to
      // point at). Both are that writer's races, reported as clear errors; nothing was written.
      const kind =
        err.code === 'config-file' ? 'config-file' : err.code === 'not-found' && /does not exist in the aliyun CLI config/.test(err.message) ? 'profile-gone' : null;
      if (kind) {
        counts.transient++;
        transient[kind] = (transient[kind] ?? 0) + 1;
      } else {
        counts.unexpected++;
        unexpected.push(`${op} ${role}: ${err.code}: ${err.message}`);
      }
    }
    // what RoleTray reads is a whole file or a clear config-file error, never a torn document
    try {
      counts.reads++;
      await core.cliConfig.read();
    } catch (e) {
      const err = asRoleTrayError(e);
      counts.readErrors++;
      if (err.code !== 'config-file') unexpected.push(`read: ${err.code}: ${err.message}`);
    }
    await sleep(Math.floor(rand() * 4));
  }
  report({ phase: 'ops-done', counts, transient, unexpected });
  await stdinLine((v) => v['final'] === true);
  const finalErrors: string[] = [];
  for (const role of roles) {
    try {
      if (intended[role] === 'active') await m.assume(role, { force: true });
      else await m.stop(role);
    } catch (e) {
      finalErrors.push(`${role}: ${asRoleTrayError(e).oneLine()}`);
    }
  }
  await core.writer.flush();
  report({ done: true, intended, counts, transient, unexpected, finalErrors });
}

interface Doc {
  current?: string;
  profiles: Array<Record<string, unknown>>;
  x_fg_counter?: number;
  [k: string]: unknown;
}

async function foreign(): Promise<void> {
  const file = args.path!;
  const rand = seeded(args.seed ?? 7);
  let counter = 0;
  let badReads = 0;
  const lost: string[] = [];
  const reported = new Set<number>();
  let stop = false;
  void stdinLine((v) => v['stop'] === true).then(() => (stop = true));
  let i = 0;
  while (!stop && i < (args.rounds ?? 50)) {
    i++;
    let doc: Doc;
    try {
      doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Doc;
    } catch {
      // Between our own complete writes only RoleTray writes: a torn file would be its fault.
      badReads++;
      await sleep(1);
      continue;
    }
    // Everything we wrote must still be there: RoleTray keeps foreign profiles and fields.
    if ((doc.x_fg_counter ?? 0) !== counter) lost.push(`round ${i}: counter ${String(doc.x_fg_counter)} != ${counter}`);
    const names = new Set(doc.profiles.map((p) => p['name']));
    for (let k = 1; k <= counter; k++) {
      if (!names.has(`fg-${k}`) && !reported.has(k)) {
        reported.add(k);
        lost.push(`round ${i}: fg-${k} missing`);
      }
    }
    const probe = doc.profiles.find((p) => p['name'] === `fg-${counter}`);
    if (counter > 0 && JSON.stringify(probe?.['x_extra']) !== JSON.stringify({ nested: [counter, { deep: true }] })) lost.push(`round ${i}: fg-${counter}.x_extra changed`);
    counter++;
    doc.profiles.push({
      name: `fg-${counter}`,
      mode: 'AK',
      access_key_id: `FGAKID${counter}`,
      access_key_secret: `fg-plain-${counter}`,
      region_id: 'cn-beijing',
      output_format: 'json',
      language: 'en',
      x_extra: { nested: [counter, { deep: true }] },
    });
    doc.x_fg_counter = counter;
    // like the aliyun CLI: the whole file, in place, not atomic (4 spaces like @alicloud/credentials, or tabs like the CLI)
    fs.writeFileSync(file, JSON.stringify(doc, null, rand() < 0.5 ? '\t' : 4));
    await sleep((args.minGapMs ?? 1) + Math.floor(rand() * (args.jitterMs ?? 4)));
  }
  report({ done: true, rounds: i, counter, badReads, lost });
}

function loopProfile(name: string, n: number): ManagedProfile {
  return {
    name,
    mode: 'StsToken',
    access_key_id: `STS.LOOP${n}`,
    access_key_secret: `loop-secret-${n}`,
    sts_token: `loop-token-${n}`,
    sts_expiration: 1_900_000_000 + n,
    region_id: 'cn-hangzhou',
    output_format: 'json',
    language: 'en',
  };
}

async function loop(): Promise<void> {
  const cfg = new CliConfigFile(args.path!, { lockStaleMs: 2000 });
  const rand = seeded(args.seed ?? 3);
  for (let n = args.start ?? 1; ; n++) {
    report({ writing: n });
    await cfg.update([{ kind: 'upsert', profile: loopProfile('rt-loop', n) }], new Set(['rt-loop']));
    report({ wrote: n });
    if (rand() < 0.5) await sleep(Math.floor(rand() * 3));
  }
}

async function probe(): Promise<void> {
  const core = createCore({ env: process.env });
  const m = core.manager;
  for (const step of args.steps ?? []) {
    try {
      let value: unknown = null;
      if (step === 'addIdentity') {
        await m.addIdentity({ name: 'me', accessKeyId: 'RTSANDBOX0USER0001', secret: process.env['ROLETRAY_TEST_SECRET'] ?? '', region: 'cn-hangzhou', verify: false });
      } else if (step === 'addOther') {
        await m.addIdentity({ name: 'other', accessKeyId: 'RTSANDBOX0USER0001', secret: process.env['ROLETRAY_TEST_SECRET'] ?? '', region: 'cn-hangzhou', verify: false });
      } else if (step === 'addRole') {
        await m.addRole({ name: 'fc', arn: args.arn ?? 'acs:ram::1234567890123456:role/fc-admin', source: 'me', durationSeconds: 3600 });
      } else if (step === 'assume') {
        value = (await m.assume('fc')).state;
      } else if (step === 'status') {
        value = (await m.status()).map((s) => s.state);
      } else if (step === 'list') {
        value = await m.secrets.list();
      }
      report({ step, ok: true, value });
    } catch (e) {
      const err = e instanceof RoleTrayError ? e : asRoleTrayError(e);
      report({ step, ok: false, code: err.code, message: err.message, hint: err.hint });
    }
  }
  await core.writer.flush();
  report({ done: true });
}

const modes = { roletray, foreign, loop, probe };
modes[args.mode]().then(
  () => process.exit(0),
  (e: unknown) => {
    report({ fatal: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    process.exit(1);
  },
);
