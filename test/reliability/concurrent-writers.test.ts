/**
 * Concurrent writers: 8 RoleTray processes (createCore, the app's and the CLI's object graph)
 * assume / switch / refresh / stop their roles at random against the sandbox STS and the real
 * keychain, sharing one catalog and one aliyun CLI config, while a foreign writer rewrites that
 * config the way the aliyun CLI does (whole file, tab or 4-space JSON, plain writeFile, no lock).
 *
 * - the foreign writer reads the file only between its own complete writes, so any invalid read is
 *   a torn RoleTray write: there must be none;
 * - it checks on every read that everything it wrote (a counter, each profile, a nested field) is
 *   still there: RoleTray must never drop a foreign profile or field;
 * - RoleTray's own reads are whole documents or a clear config-file error (the foreign writer
 *   mid-write), never anything else;
 * - after the foreign writer stops, each process reconciles; then every role it meant to keep has
 *   its profile with the keychain session's key, and every role it stopped has neither.
 */
import * as fs from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliConfig } from '../../main/core/cli-config';
import { createCore } from '../../main/core/index';
import { KeytarSecretStore } from '../../main/core/secret-store';
import { startSandbox, type SandboxHandle } from '../../main/sandbox/index';
import { cliText, tempDir, userDoc } from '../helpers/cli-config-fixtures';
import { bundle, filesContaining, longLivedSecret, runChild, type ChildRun } from '../helpers/reliability-env';

const PROCESSES = 8;
const ROLES_PER_PROCESS = 2;
const OPS = 12;
/**
 * The foreign writer rewrites the file every FOREIGN_GAP_MS..2×FOREIGN_GAP_MS (the real CLI: rarely).
 * Far faster than any real writer, but not every few ms: a writer that ignores the lock and lands
 * between RoleTray's last check and its rename (microseconds, longer on a loaded 2-core machine)
 * can read RoleTray's version before RoleTray merges the foreign change back, and then writes its
 * own next version on top of it — a window no lock on one side can close (README, Reliability).
 */
const FOREIGN_GAP_MS = Number(process.env['ROLETRAY_REL_FOREIGN_GAP_MS'] ?? 20);
const secret = longLivedSecret();
const service = `roletray-rel-cw-${process.pid}-${Date.now().toString(36)}`;
let sb: SandboxHandle;
let child: { file: string; remove(): void };
let home: string;
let env: NodeJS.ProcessEnv;
const outputs: string[] = [];

beforeAll(async () => {
  child = bundle('test/helpers/reliability-child.ts', 'child');
  sb = await startSandbox({ userSecret: secret });
  home = tempDir('roletray-rel-writers-');
  env = {
    PATH: process.env['PATH'],
    DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'],
    HOME: home,
    ROLETRAY_HOME: path.join(home, 'data'),
    ROLETRAY_CLI_CONFIG: path.join(home, '.aliyun', 'config.json'),
    ROLETRAY_KEYCHAIN_SERVICE: service,
    ROLETRAY_STS_ENDPOINT: sb.url,
  };
});

afterAll(async () => {
  // secret hygiene: nothing RoleTray wrote and nothing any process printed holds the user's key
  const hits = [...filesContaining(home, [secret]), ...outputs.filter((o) => o.includes(secret)).map(() => 'child output')];
  // known accounts first (list() may refuse), then whatever else is there
  const store = new KeytarSecretStore(service);
  const known = ['me', '__roletray_probe__', ...Array.from({ length: PROCESSES * ROLES_PER_PROCESS }, (_, i) => `session:w${Math.floor(i / ROLES_PER_PROCESS)}r${i % ROLES_PER_PROCESS}`)];
  for (const a of known) await store.delete(a).catch(() => false);
  for (const a of await store.list().catch(() => [] as string[])) await store.delete(a).catch(() => false);
  await sb?.close();
  child?.remove();
  fs.rmSync(home, { recursive: true, force: true });
  expect(hits).toEqual([]);
});

describe('8 RoleTray processes and an aliyun-CLI-style writer on one config', () => {
  it('never tears the file, never loses a foreign profile or field, and ends with exactly the intended profiles', async () => {
    const core = createCore({ env });
    await core.manager.addIdentity({ name: 'me', accessKeyId: sb.world.testUser.accessKeyId, secret, region: 'cn-hangzhou' });
    const groups = Array.from({ length: PROCESSES }, (_, p) => Array.from({ length: ROLES_PER_PROCESS }, (_, k) => `w${p}r${k}`));
    await core.manager.catalogStore.update((cat) => {
      for (const name of groups.flat()) cat.roles.push({ name, arn: sb.world.roleArn('fc-admin'), source: 'me', profile: `rt-${name}`, durationSeconds: 3600 });
    });
    const file = env['ROLETRAY_CLI_CONFIG']!;
    await mkdir(path.dirname(file), { recursive: true });
    const seed = userDoc();
    await writeFile(file, cliText(seed));

    const foreign = runChild(child.file, { mode: 'foreign', path: file, rounds: 3000, seed: 11, minGapMs: FOREIGN_GAP_MS, jitterMs: FOREIGN_GAP_MS }, env);
    const writers: ChildRun[] = groups.map((roles, p) => runChild(child.file, { mode: 'roletray', roles, ops: OPS, seed: 100 + p }, env));
    const all = [foreign, ...writers];
    try {
      await Promise.all(writers.map((w) => w.waitFor((l) => l['phase'] === 'ops-done')));
      foreign.send({ stop: true });
      const fg = await foreign.waitFor((l) => l['done'] === true);
      for (const w of writers) w.send({ final: true });
      const done = await Promise.all(writers.map((w) => w.waitFor((l) => l['done'] === true)));
      expect(await Promise.all(all.map((r) => r.exited))).toEqual(all.map(() => 0));

      // the foreign writer ran alongside RoleTray and saw only whole files with all its data
      expect(fg['badReads']).toBe(0);
      expect(fg['lost']).toEqual([]);
      expect(Number(fg['counter'])).toBeGreaterThan(20);

      // RoleTray: only the foreign writer's races as errors, and clear ones
      const totals = { ok: 0, transient: 0, readErrors: 0 };
      for (const d of done) {
        expect(d['unexpected']).toEqual([]);
        expect(d['finalErrors']).toEqual([]);
        const c = d['counts'] as Record<string, number>;
        totals.ok += c['ok']!;
        totals.transient += c['transient']!;
        totals.readErrors += c['readErrors']!;
      }
      expect(totals.ok).toBeGreaterThan(PROCESSES * OPS * 0.5);
      expect(sb.stats.calls['AssumeRole'] ?? 0).toBeGreaterThan(PROCESSES);
      if (process.env['ROLETRAY_RELIABILITY_VERBOSE']) console.info('concurrent writers', { foreignRounds: fg['rounds'], totals, assumes: sb.stats.calls['AssumeRole'] });

      // the final file: valid, every foreign thing kept, every managed profile as intended
      const doc = parseCliConfig(await readFile(file, 'utf8'), file);
      const byName = new Map(doc.profiles.map((p) => [p.name, p]));
      for (const p of seed['profiles'] as Array<Record<string, unknown>>) expect(byName.get(String(p['name']))).toEqual(p);
      expect(doc['x_unknown_top']).toEqual({ keep: 'me' });
      for (let k = 1; k <= Number(fg['counter']); k++) expect(byName.get(`fg-${k}`)?.['x_extra']).toEqual({ nested: [k, { deep: true }] });
      expect(doc['x_fg_counter']).toBe(fg['counter']);
      const store = new KeytarSecretStore(service);
      let active = 0;
      for (const d of done) {
        for (const [role, state] of Object.entries(d['intended'] as Record<string, string>)) {
          const cached = await store.get(`session:${role}`);
          const profile = byName.get(`rt-${role}`);
          if (state === 'active') {
            active++;
            expect(cached, role).not.toBeNull();
            expect(profile?.['mode'], role).toBe('StsToken');
            expect(profile?.['access_key_id'], role).toBe((JSON.parse(cached!) as { creds: { accessKeyId: string } }).creds.accessKeyId);
          } else {
            expect(profile, role).toBeUndefined();
            expect(cached, role).toBeNull();
          }
        }
      }
      expect(active).toBeGreaterThan(0);
      expect(byName.has(doc.current ?? '')).toBe(true);
      expect(doc.profiles.filter((p) => p.name.startsWith('rt-')).length).toBe(active);
    } finally {
      for (const r of all) {
        outputs.push(r.output());
        r.child.kill('SIGKILL');
      }
    }
  }, 60_000);
});
