/**
 * Bad input fuzz (bounded, seeded PRNG: a failure names its seed and case, and reproduces):
 * - catalog files -> CatalogStore.load/update: a valid catalog or RoleTrayError('catalog'), never
 *   another error, and the file is never rewritten by a failed load/update;
 * - aliyun CLI config files -> parseCliConfig / CliConfigFile.update: a document or
 *   RoleTrayError('config-file') that never quotes the file; a failed update writes nothing;
 * - STS answers -> parseAssumeRoleBody, and random HTTP answers through the real STS client: a
 *   complete session or a RoleTrayError, never a partial one;
 * - CLI arguments -> the built CLI with random hostile invocations: exit 2 or 1, one stderr line,
 *   never a stack trace, and no change to the catalog or the CLI config.
 */
import * as fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogStore, catalogSchema } from '../../main/core/catalog';
import { CliConfigFile, parseCliConfig } from '../../main/core/cli-config';
import { DEFAULT_SETTINGS } from '../../main/core/common/model';
import { RoleTrayError } from '../../main/core/errors';
import { KeytarSecretStore } from '../../main/core/secret-store';
import { AlibabaStsClient, parseAssumeRoleBody } from '../../main/core/sts-client';
import { cliText, stsProfile, tempDir, userDoc } from '../helpers/cli-config-fixtures';
import { CLI, filesContaining, longLivedSecret, pick, runCli, seeded, treeSnapshot } from '../helpers/reliability-env';

const SEED = Number(process.env['ROLETRAY_FUZZ_SEED'] ?? 20261123);
const FUZZ_SERVICE = `roletray-rel-fuzz-${process.pid}-${Date.now().toString(36)}`;
let dir: string;
beforeAll(() => {
  dir = tempDir('roletray-rel-fuzz-');
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  // no invocation should have stored anything; remove whatever did
  const store = new KeytarSecretStore(FUZZ_SERVICE);
  for (const a of await store.list().catch(() => [] as string[])) await store.delete(a).catch(() => false);
});

// ------------------------------------------------------------------ mutators

const WEIRD_VALUES: unknown[] = [null, 0, -1, 1e308, 3.5, '', ' ', 'x'.repeat(5000), '\u0000', '\u202e', '../../etc/passwd', [], {}, [1, 'a'], { a: { b: {} } }, true, false, 'NaN', '1e9', '__proto__'];

function mutateText(rand: () => number, text: string): string {
  const at = Math.floor(rand() * text.length);
  switch (Math.floor(rand() * 7)) {
    case 0:
      return text.slice(0, at); // truncated
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 20)); // a slice deleted
    case 2:
      return text.slice(0, at) + pick(rand, ['{', '}', '[', ']', ',', ':', '"', '\\', '\u0000', '\uFEFF', 'nul', '\n', '\uD800']) + text.slice(at);
    case 3:
      return text.slice(0, at) + text.slice(Math.floor(rand() * text.length)); // spliced with itself
    case 4:
      return `\uFEFF${text}`;
    case 5:
      return text.replace(/"[a-z_]+"/, '"x"');
    default:
      return text.split('').map((c) => (rand() < 0.01 ? String.fromCharCode(Math.floor(rand() * 128)) : c)).join('');
  }
}

/** Replace/delete/add a random key somewhere in a JSON value. */
function mutateValue(rand: () => number, value: unknown): unknown {
  const clone = structuredClone(value) as Record<string, unknown>;
  const paths: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        paths.push({ parent: v, key: i });
        walk(x);
      });
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        paths.push({ parent: v as Record<string, unknown>, key: k });
        walk((v as Record<string, unknown>)[k]);
      }
    }
  };
  walk(clone);
  const target = paths.length ? pick(rand, paths) : undefined;
  if (!target) return pick(rand, WEIRD_VALUES);
  const parent = target.parent as Record<string | number, unknown>;
  const op = Math.floor(rand() * 4);
  if (op === 0 && !Array.isArray(parent)) delete parent[target.key];
  else if (op === 1) parent[target.key] = pick(rand, WEIRD_VALUES);
  else if (op === 2 && Array.isArray(parent)) parent.push(structuredClone(parent[0]));
  else (parent as Record<string, unknown>)[`x_${Math.floor(rand() * 1000)}`] = pick(rand, WEIRD_VALUES);
  return clone;
}

// ------------------------------------------------------------------ catalog

function validCatalog(): Record<string, unknown> {
  return {
    version: 1,
    identities: [{ name: 'me', accessKeyId: 'RTSANDBOX0USER0001', site: 'cn', region: 'cn-hangzhou' }],
    roles: [
      { name: 'fc', arn: 'acs:ram::1234567890123456:role/fc-admin', source: 'me', profile: 'roletray-fc', durationSeconds: 3600 },
      { name: 'chain', arn: 'acs:ram::1234567890123456:role/chain-target', source: 'fc', profile: 'roletray-chain', durationSeconds: 43200, region: 'cn-shanghai' },
    ],
    settings: { ...DEFAULT_SETTINGS },
    managedProfiles: ['roletray-fc'],
    previousCurrent: { 'roletray-fc': 'default' },
  };
}

describe('catalog fuzz', () => {
  it('400 mutated catalogs: load gives a valid catalog or a catalog error; a failed update writes nothing', async () => {
    const rand = seeded(SEED);
    const file = path.join(dir, 'catalog.json');
    const store = new CatalogStore(file);
    const outcomes = { valid: 0, refused: 0 };
    for (let i = 0; i < 400; i++) {
      const base = JSON.stringify(validCatalog(), null, 2);
      const text = rand() < 0.5 ? mutateText(rand, base) : JSON.stringify(mutateValue(rand, validCatalog()), null, 2);
      fs.writeFileSync(file, text);
      const before = fs.statSync(file);
      const label = `seed ${SEED} case ${i}`;
      try {
        const cat = await store.load();
        expect(catalogSchema.safeParse(cat).success, label).toBe(true);
        outcomes.valid++;
      } catch (e) {
        expect(e, label).toBeInstanceOf(RoleTrayError);
        expect((e as RoleTrayError).code, label).toBe('catalog');
        expect((e as RoleTrayError).message, label).toContain(file);
        outcomes.refused++;
        if (i % 8 === 0) {
          // an update over a broken catalog must not "repair" it by overwriting
          const err = await store.update((c) => c).then(
            () => null,
            (x: unknown) => x,
          );
          expect(err, label).toBeInstanceOf(RoleTrayError);
          expect(fs.readFileSync(file, 'utf8'), label).toBe(text);
        }
      }
      const after = fs.statSync(file);
      expect(after.mtimeMs, label).toBe(before.mtimeMs);
    }
    expect(outcomes.valid).toBeGreaterThan(20);
    expect(outcomes.refused).toBeGreaterThan(100);
  });
});

// ------------------------------------------------------------------ CLI config

const FOREIGN_SECRETS = ['fake-user-secret', 'fake-secret-rt-fuzz-1', 'fake-token-rt-fuzz-1'];

function configDoc(): Record<string, unknown> {
  const doc = userDoc();
  (doc['profiles'] as unknown[]).push(stsProfile('rt-fuzz'));
  return doc;
}

describe('CLI config fuzz', () => {
  it('500 mutated files: parse gives a document or a config-file error that names the place and never quotes the file', () => {
    const rand = seeded(SEED + 1);
    let refused = 0;
    for (let i = 0; i < 500; i++) {
      const label = `seed ${SEED + 1} case ${i}`;
      const text = rand() < 0.6 ? mutateText(rand, rand() < 0.5 ? cliText(configDoc()) : JSON.stringify(configDoc(), null, 4)) : JSON.stringify(mutateValue(rand, configDoc()), null, '\t');
      try {
        const doc = parseCliConfig(text, '/cfg/config.json');
        expect(Array.isArray(doc.profiles), label).toBe(true);
        for (const p of doc.profiles) expect(typeof p.name, label).toBe('string');
      } catch (e) {
        refused++;
        expect(e, label).toBeInstanceOf(RoleTrayError);
        const err = e as RoleTrayError;
        expect(err.code, label).toBe('config-file');
        expect(err.message, label).toContain('/cfg/config.json');
        expect(err.oneLine(), label).not.toMatch(/\n/);
        for (const s of FOREIGN_SECRETS) expect(err.oneLine(), label).not.toContain(s);
      }
    }
    expect(refused).toBeGreaterThan(150);
  });

  it('40 mutated files on disk: CliConfigFile.update refuses invalid ones without writing, and keeps every foreign profile of valid ones', async () => {
    const rand = seeded(SEED + 2);
    const file = path.join(dir, 'cli', 'config.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const cfg = new CliConfigFile(file);
    const managed = new Set(['rt-fuzz']);
    let refused = 0;
    for (let i = 0; i < 40; i++) {
      const label = `seed ${SEED + 2} case ${i}`;
      const text = rand() < 0.7 ? mutateText(rand, cliText(configDoc())) : JSON.stringify(mutateValue(rand, configDoc()), null, 4);
      fs.writeFileSync(file, text);
      const before = fs.statSync(file);
      let parsed: ReturnType<typeof parseCliConfig> | undefined;
      try {
        parsed = parseCliConfig(text, file);
      } catch {
        parsed = undefined;
      }
      const res = await cfg.update([{ kind: 'upsert', profile: stsProfile('rt-fuzz', 2) }], managed).then(
        (r) => ({ ok: true as const, r }),
        (e: unknown) => ({ ok: false as const, e }),
      );
      if (!parsed) {
        refused++;
        expect(res.ok, label).toBe(false);
        expect((res as { e: unknown }).e, label).toBeInstanceOf(RoleTrayError);
        expect(((res as { e: RoleTrayError }).e).code, label).toBe('config-file');
        expect(fs.readFileSync(file, 'utf8'), label).toBe(text);
        expect(fs.statSync(file).mtimeMs, label).toBe(before.mtimeMs);
      } else if (res.ok) {
        const after = parseCliConfig(fs.readFileSync(file, 'utf8'), file);
        const got = new Map(after.profiles.map((p) => [p.name, JSON.stringify(p)]));
        for (const p of parsed.profiles) if (p.name !== 'rt-fuzz' || res.r.clashes.length > 0) expect(got.get(p.name), `${label} ${p.name}`).toBe(JSON.stringify(p));
        for (const k of Object.keys(parsed)) if (k !== 'profiles') expect(after[k], `${label} ${k}`).toEqual(parsed[k]);
      } else {
        // a valid document the change cannot apply to (e.g. a clash): clear error, nothing written
        expect((res as { e: unknown }).e, label).toBeInstanceOf(RoleTrayError);
        expect(fs.readFileSync(file, 'utf8'), label).toBe(text);
      }
      expect(fs.readdirSync(path.dirname(file)).filter((f) => f !== 'config.json'), label).toEqual([]);
    }
    expect(refused).toBeGreaterThan(10);
  }, 30_000);
});

// ------------------------------------------------------------------ STS answers

function stsBody(): Record<string, unknown> {
  return {
    RequestId: '6894B13B-6D71-4EF5-88FA-F32781734A7F',
    AssumedRoleUser: { Arn: 'acs:ram::1234567890123456:role/fc-admin/alice', AssumedRoleId: '34458433936495****:alice' },
    Credentials: { AccessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez****', AccessKeySecret: 'CVwjCkNzTMupZ8NbTCxCBRq3K16jtcWFTJAyBEv2****', SecurityToken: 'CAIS****', Expiration: '2030-06-01T12:15:00Z' },
  };
}

function expectWholeOrRefused(result: { ok: true; v: ReturnType<typeof parseAssumeRoleBody> } | { ok: false; e: unknown }, label: string): void {
  if (result.ok) {
    const c = result.v;
    for (const v of [c.accessKeyId, c.accessKeySecret, c.securityToken]) expect(typeof v === 'string' && v.length > 0, label).toBe(true);
    expect(Number.isFinite(c.expiresAt), label).toBe(true);
  } else {
    expect(result.e, label).toBeInstanceOf(RoleTrayError);
    expect(['network', 'sts'], label).toContain((result.e as RoleTrayError).code);
  }
}

describe('STS answer fuzz', () => {
  it('600 mutated AssumeRole bodies: a complete session or a retryable network error, never partial', () => {
    const rand = seeded(SEED + 3);
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const label = `seed ${SEED + 3} case ${i}`;
      let body: unknown = mutateValue(rand, stsBody());
      if (rand() < 0.2) body = mutateValue(rand, body);
      if (rand() < 0.05) body = pick(rand, WEIRD_VALUES);
      let result: { ok: true; v: ReturnType<typeof parseAssumeRoleBody> } | { ok: false; e: unknown };
      try {
        result = { ok: true, v: parseAssumeRoleBody(body, 'http://127.0.0.1:1') };
      } catch (e) {
        result = { ok: false, e };
        refused++;
        expect((e as RoleTrayError).retryable, label).toBe(true);
      }
      expectWholeOrRefused(result, label);
      if (result.ok) {
        const creds = (body as { Credentials: Record<string, unknown> }).Credentials;
        expect(result.v.expiresAt, label).toBe(Date.parse(String(creds['Expiration'])));
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('30 random HTTP answers through the real STS client: a complete session or a RoleTrayError', async () => {
    const rand = seeded(SEED + 4);
    let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(answer.status, { 'content-type': answer.type });
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new AlibabaStsClient({ readTimeoutMs: 1000, connectTimeoutMs: 1000 });
    try {
      for (let i = 0; i < 30; i++) {
        const label = `seed ${SEED + 4} case ${i}`;
        const valid = JSON.stringify(stsBody());
        const body = pick(rand, [
          () => valid,
          () => valid.slice(0, Math.floor(rand() * valid.length)),
          () => JSON.stringify(mutateValue(rand, stsBody())),
          () => '<html><body>502 Bad Gateway</body></html>',
          () => '',
          () => JSON.stringify({ Code: pick(rand, ['InternalError', 'Throttling.User', 'NoPermission', 'Weird.Code']), Message: 'x', RequestId: 'R' }),
          () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(rand() * 256))).toString('latin1'),
        ])();
        answer = { status: pick(rand, [200, 200, 200, 400, 403, 404, 500, 502, 503]), type: pick(rand, ['application/json;charset=utf-8', 'text/html', 'text/plain', 'application/octet-stream']), body };
        let result: { ok: true; v: ReturnType<typeof parseAssumeRoleBody> } | { ok: false; e: unknown };
        try {
          result = { ok: true, v: await client.assumeRole({ accessKeyId: 'RTFUZZAKID', accessKeySecret: 'fuzzSecretValue123' }, url, { roleArn: 'acs:ram::1234567890123456:role/fc-admin', sessionName: 'fuzz', durationSeconds: 900 }) };
        } catch (e) {
          result = { ok: false, e };
        }
        expectWholeOrRefused(result, `${label} (${answer.status} ${answer.type} ${answer.body.slice(0, 40)})`);
        if (!result.ok) expect((result.e as RoleTrayError).message, label).not.toContain('fuzzSecretValue123');
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 30_000);
});

// ------------------------------------------------------------------ CLI arguments

const HOSTILE = ['../../etc/passwd', 'a'.repeat(300), 'rôle', '$(touch pwned)', '`id`', '-x', '--', '', ' ', 'con', '\u202e\u0645', 'role\nname', 'a b', '%s%n', '{"json":1}', '💥', 'fc;rm -rf /', '\\\\?\\C:\\'];

function invocation(rand: () => number): string[] {
  const h = () => pick(rand, HOSTILE);
  const word = () => `x${Math.floor(rand() * 1e6).toString(36)}`;
  const kind = Math.floor(rand() * 7);
  switch (kind) {
    case 0: // unknown command
      return [pick(rand, ['assumes', 'swtich', 'rm', 'login', h(), word()]), h()];
    case 1: // unknown flag on a known command
      return [...pick(rand, [['status'], ['role', 'list'], ['identity', 'list'], ['assume', 'fc'], ['sandbox'], ['serve'], ['doctor']]), `--${word()}`];
    case 2: // missing arguments
      return pick(rand, [['assume'], ['switch'], ['stop'], ['env'], ['credential-process'], ['role', 'add', 'x'], ['role', 'add', 'x', '--arn'], ['identity', 'add', 'y'], ['exec'], ['console'], ['catalog', 'import']]);
    case 3: // invalid values
      return pick(rand, [
        ['role', 'add', h(), '--arn', 'acs:ram::1234567890123456:role/fc-admin', '--source', 'me'],
        ['role', 'add', 'ok-name', '--arn', h(), '--source', 'me'],
        ['role', 'add', 'ok-name', '--arn', 'acs:ram::1234567890123456:role/fc-admin', '--source', 'me', '--duration', pick(rand, ['-5', '1e9', '0x10', '99999999999999999999', '899', '43201', 'NaN'])],
        ['role', 'add', 'ok-name', '--arn', 'acs:ram::1234567890123456:role/fc-admin', '--source', 'me', '--region', pick(rand, ['cn hangzhou', '', '../x'])],
        ['role', 'add', 'ok-name', '--arn', 'acs:ram::1234567890123456:role/fc-admin', '--source', h()],
        ['role', 'add', 'ok-name', '--arn', 'acs:ram::1234567890123456:role/fc-admin', '--source', 'me', '--session-name', h()],
        ['role', 'add', 'ok-name', '--arn', 'acs:ram::1234567890123456:role/fc-admin', '--source', 'me', '--policy-file', path.join(dir, 'nope.json')],
        ['identity', 'add', 'new-id', '--access-key-id', 'RTX', '--sts-endpoint', pick(rand, ['http://example.com', 'ftp://127.0.0.1', 'javascript:alert(1)', h()])],
        ['identity', 'add', h(), '--access-key-id', 'RTSANDBOX0USER0001', '--no-verify'],
        ['env', 'fc', '--shell', pick(rand, ['zsh', 'cmd', h()])],
        ['serve', '--port', pick(rand, ['70000', 'abc', '-1'])],
        ['sandbox', '--port', pick(rand, ['70000', 'abc'])],
        ['catalog', 'import', path.join(dir, 'missing.json')],
      ]);
    case 4: // unknown roles, hostile names
      return [pick(rand, ['assume', 'switch', 'stop', 'env', 'credential-process', 'refresh', 'console']), h() || 'nope'];
    case 5: // a role whose identity has no key in the keychain: the operation fails (exit 1)
      return pick(rand, [['assume', 'fc'], ['switch', 'fc'], ['env', 'fc'], ['credential-process', 'fc'], ['refresh', 'fc']]);
    default:
      return ['exec', h() || 'nope', '--', 'node', '-e', 'process.exit(0)'];
  }
}

describe('CLI argument fuzz', () => {
  it('40 hostile invocations of the built CLI: exit 2 or 1, one line on stderr, no stack trace, nothing written', async () => {
    expect(fs.existsSync(CLI)).toBe(true);
    const home = path.join(dir, 'cli-home');
    const data = path.join(home, 'data');
    fs.mkdirSync(data, { recursive: true });
    fs.writeFileSync(path.join(data, 'catalog.json'), `${JSON.stringify(validCatalog(), null, 2)}\n`, { mode: 0o600 });
    const cfgFile = path.join(home, '.aliyun', 'config.json');
    fs.mkdirSync(path.dirname(cfgFile), { recursive: true });
    fs.writeFileSync(cfgFile, cliText(configDoc()));
    const secret = longLivedSecret();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'],
      HOME: home,
      ROLETRAY_HOME: data,
      ROLETRAY_CLI_CONFIG: cfgFile,
      ROLETRAY_KEYCHAIN_SERVICE: FUZZ_SERVICE,
      ROLETRAY_STS_ENDPOINT: 'http://127.0.0.1:9', // nothing listens: no STS call can succeed
    };
    const skipLogs = (rel: string) => rel === 'data/logs' || rel.startsWith('data/logs/');
    const before = treeSnapshot(home, skipLogs);
    const rand = seeded(SEED + 5);
    const cases = Array.from({ length: 40 }, () => invocation(rand));
    const results: Array<{ args: string[]; code: number | null; stdout: string; stderr: string }> = [];
    for (let i = 0; i < cases.length; i += 2) {
      const pair = cases.slice(i, i + 2);
      // a secret on stdin, as `identity add` reads it: it must never come back out
      results.push(...(await Promise.all(pair.map(async (args) => ({ args, ...(await runCli(args, env, `${secret}\n`)) })))));
    }
    const codes: Record<string, number> = {};
    for (const r of results) {
      const label = `seed ${SEED + 5}: roletray ${JSON.stringify(r.args)} -> ${r.code}: ${r.stderr}`;
      codes[String(r.code)] = (codes[String(r.code)] ?? 0) + 1;
      expect([1, 2], label).toContain(r.code);
      const lines = r.stderr.split('\n').filter((l) => l.length > 0);
      expect(lines, label).toHaveLength(1);
      expect(lines[0], label).toMatch(/^roletray: /);
      expect(r.stderr, label).not.toMatch(/^\s+at /m);
      expect(r.stdout + r.stderr, label).not.toContain(secret);
    }
    expect(codes['1'] ?? 0).toBeGreaterThan(0);
    expect(codes['2'] ?? 0).toBeGreaterThan(0);
    expect(treeSnapshot(home, skipLogs)).toEqual(before);
    expect(filesContaining(home, [secret])).toEqual([]);
  }, 60_000);
});
