/**
 * Several `roletray` processes and the app (an in-process core) at once, while a foreign program
 * (like the aliyun CLI, which does not know RoleTray's lock) keeps rewriting config.json: the file
 * stays valid JSON at every read, nothing foreign is lost, and no catalog update is lost.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { CliResult, CliWorld } from '../helpers/cli-harness';
import { arnOf, ensureCliBuilt, json, leakedIn, startCliWorld } from '../helpers/cli-harness';

let w: CliWorld;

beforeAll(async () => {
  await ensureCliBuilt();
  w = await startCliWorld();
  await w.seed([
    { name: 'r1', role: 'fc-admin' },
    { name: 'r2', role: 'long-session' },
    { name: 'r3', role: 'readonly', durationSeconds: 7200 },
    { name: 'r4', role: 'fc-admin' },
    { name: 'r5', role: 'long-session' },
    { name: 'r6', role: 'readonly' },
    { name: 'app-role', role: 'fc-admin' },
  ]);
});

afterAll(async () => {
  await w?.cleanup();
});

interface ConfigShape {
  current?: string;
  profiles: Array<Record<string, unknown> & { name: string }>;
  [k: string]: unknown;
}

test('CLIs and the app change sessions and the catalog at once while a foreign writer rewrites config.json', async () => {
  await mkdir(path.dirname(w.cliConfigFile), { recursive: true });
  const foreign = [
    { name: 'f1', mode: 'StsToken', access_key_id: 'STS.f1', access_key_secret: 'f1-sts-secret', sts_token: 't1', region_id: 'cn-hangzhou', user_note: 'keep me' },
    { name: 'f2', mode: 'External', process_command: 'other-tool creds', region_id: 'eu-central-1', counter: 0, nested: { a: [1, 2] } },
  ];
  await writeFile(w.cliConfigFile, JSON.stringify({ current: 'f1', profiles: foreign, meta_path: '', x_unknown_top: 'still here' }, null, '\t'), { mode: 0o600 });

  // The foreign writer: read, parse, bump its own counter, write atomically (temp + rename, like
  // aliyun CLI >= 3.4.9), without RoleTray's lock. Every read must parse.
  let stop = false;
  let rewrites = 0;
  const parseErrors: string[] = [];
  const foreignWriter = (async () => {
    while (!stop) {
      const text = await readFile(w.cliConfigFile, 'utf8');
      let doc: ConfigShape;
      try {
        doc = JSON.parse(text) as ConfigShape;
      } catch (e) {
        parseErrors.push(`${(e as Error).message}: ${text.slice(0, 80)}`);
        continue;
      }
      const f2 = doc.profiles.find((p) => p.name === 'f2');
      if (f2) f2['counter'] = rewrites + 1;
      const tmp = path.join(path.dirname(w.cliConfigFile), `.config.json.tmp-${randomBytes(4).toString('hex')}`);
      await writeFile(tmp, JSON.stringify(doc, null, '\t'), { mode: 0o600 });
      await rename(tmp, w.cliConfigFile);
      rewrites++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();

  const chain = async (role: string, steps: string[][]): Promise<CliResult[]> => {
    const out: CliResult[] = [];
    for (const s of steps) out.push(await w.run([...s, role]));
    return out;
  };
  const m = w.core().manager;
  const app = (async () => {
    for (let i = 0; i < 3; i++) await m.assume('app-role', { force: true });
  })();
  const results = await Promise.all([
    chain('r1', [['assume'], ['switch'], ['stop'], ['assume']]),
    chain('r2', [['assume'], ['switch'], ['stop'], ['assume']]),
    chain('r3', [['assume'], ['stop'], ['assume']]),
    chain('r4', [['assume'], ['switch'], ['stop']]),
    chain('r5', [['assume'], ['stop']]),
    chain('r6', [['switch'], ['stop']]),
    // catalog writers at the same time
    ...['n1', 'n2', 'n3', 'n4'].map((n) => w.run(['role', 'add', n, '--arn', arnOf('fc-admin'), '--source', 'work']).then((r) => [r])),
    w.run(['identity', 'add', 'second', '--access-key-id', 'RTSANDBOX0USER0001'], { input: `${w.userSecret}\n` }).then((r) => [r]),
  ]);
  await app;
  stop = true;
  await foreignWriter;

  for (const r of results.flat()) expect(r.code, `roletray ${r.args.join(' ')}: ${r.stderr}`).toBe(0);
  expect(parseErrors).toEqual([]);
  expect(rewrites).toBeGreaterThan(10);

  // nothing foreign was lost
  const cfg = JSON.parse(await readFile(w.cliConfigFile, 'utf8')) as ConfigShape;
  expect(cfg['x_unknown_top']).toBe('still here');
  expect(cfg['meta_path']).toBe('');
  expect(cfg.profiles.find((p) => p.name === 'f1')).toEqual(foreign[0]);
  const f2 = cfg.profiles.find((p) => p.name === 'f2');
  expect(f2).toMatchObject({ mode: 'External', process_command: 'other-tool creds', region_id: 'eu-central-1', nested: { a: [1, 2] } });
  expect(typeof f2?.['counter']).toBe('number');
  for (const p of cfg.profiles) expect(p.name === 'f1' || p.name === 'f2' || p.name.startsWith('roletray-')).toBe(true);

  // no catalog update was lost
  const catalog = JSON.parse(await readFile(path.join(w.dataDir, 'catalog.json'), 'utf8')) as { roles: Array<{ name: string }>; identities: Array<{ name: string }>; managedProfiles: string[] };
  expect(catalog.roles.map((r) => r.name).sort()).toEqual(['app-role', 'n1', 'n2', 'n3', 'n4', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6']);
  expect(catalog.identities.map((i) => i.name).sort()).toEqual(['second', 'work']);
  expect(catalog.managedProfiles.sort()).toEqual(['roletray-app-role', 'roletray-r1', 'roletray-r2', 'roletray-r3', 'roletray-r4', 'roletray-r5', 'roletray-r6']);

  // the sessions ended where each process left them (the keychain cache is the truth across processes)
  const status = json<Array<{ role: string; state: string }>>(await w.run(['status', '--json']));
  const state = Object.fromEntries(status.map((s) => [s.role, s.state]));
  expect(state).toMatchObject({ r1: 'active', r2: 'active', r3: 'active', r4: 'stopped', r5: 'stopped', r6: 'stopped', 'app-role': 'active' });

  // with the foreign writer gone, the profiles follow the sessions again
  const sw = await w.run(['switch', 'r1']);
  expect(sw.code, sw.stderr).toBe(0);
  await Promise.all(['r4', 'r5', 'r6'].map((r) => w.run(['stop', r])));
  const final = JSON.parse(await readFile(w.cliConfigFile, 'utf8')) as ConfigShape;
  expect(final.current).toBe('roletray-r1');
  const names = final.profiles.map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(['f1', 'f2', 'roletray-r1']));
  for (const r of ['roletray-r4', 'roletray-r5', 'roletray-r6']) expect(names).not.toContain(r);
  expect(final.profiles.find((p) => p.name === 'f1')).toEqual(foreign[0]);

  const sts = await w.stsSecrets();
  for (const r of w.transcript) expect(leakedIn(r.stdout + r.stderr, [w.userSecret, ...sts]), r.args.join(' ')).toEqual([]);
});
