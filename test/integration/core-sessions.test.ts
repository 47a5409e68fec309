/**
 * Core against the sandbox STS over real HTTP, the real keychain and real temp files.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RoleTrayError } from '../../main/core/errors';
import { createCore } from '../../main/core/index';
import { KeytarSecretStore } from '../../main/core/secret-store';
import type { TestWorld } from '../helpers/world';
import { DEMO_USER_AKID, arnOf, startTestWorld } from '../helpers/world';

const run = promisify(execFile);

let w: TestWorld;

async function readConfig(): Promise<Record<string, unknown> & { current?: string; profiles: Array<Record<string, unknown>> }> {
  return JSON.parse(await readFile(w.cliConfigFile, 'utf8'));
}

async function addUser(name = 'me'): Promise<void> {
  await w.core.manager.addIdentity({ name, accessKeyId: DEMO_USER_AKID, secret: w.userSecret, region: 'cn-shanghai' });
}

async function seedForeignConfig(): Promise<string> {
  await mkdir(path.dirname(w.cliConfigFile), { recursive: true });
  const text = JSON.stringify(
    {
      current: 'default',
      profiles: [
        { name: 'default', mode: 'AK', access_key_id: 'FOREIGNAKID000001', access_key_secret: 'foreign-plain', region_id: 'cn-hangzhou', output_format: 'json', language: 'zh', future_field: { a: 1 } },
        { name: 'ops', mode: 'External', process_command: 'other-tool creds', region_id: 'cn-beijing' },
      ],
      meta_path: '',
      plugin_settings: { x: true },
    },
    null,
    '\t',
  );
  await writeFile(w.cliConfigFile, text, { mode: 0o644 });
  return text;
}

beforeEach(async () => {
  w = await startTestWorld();
});

afterEach(async () => {
  await w.cleanup();
});

describe('identities', () => {
  it('verifies the key with GetCallerIdentity and keeps the secret only in the keychain', async () => {
    const added = await w.core.manager.addIdentity({ name: 'me', accessKeyId: DEMO_USER_AKID, secret: w.userSecret, region: 'cn-shanghai' });
    expect(added.verified?.accountId).toBe('9876543210987654');
    expect(added.arn).toBe('acs:ram::9876543210987654:user/test_user1');
    expect(await new KeytarSecretStore(w.service).get('me')).toBe(w.userSecret);
    const catalog = await readFile(path.join(w.dataDir, 'catalog.json'), 'utf8');
    expect(catalog).not.toContain(w.userSecret);
    expect(JSON.parse(catalog).identities[0].accountId).toBe('9876543210987654');
    expect((await stat(path.join(w.dataDir, 'catalog.json'))).mode & 0o777).toBe(0o600);
  });

  it('a wrong secret is refused with SignatureDoesNotMatch and nothing is stored', async () => {
    const err = await w.core.manager.addIdentity({ name: 'me', accessKeyId: DEMO_USER_AKID, secret: 'wrongSecretValue123' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RoleTrayError);
    expect((err as RoleTrayError).stsCode).toBe('SignatureDoesNotMatch');
    expect((err as RoleTrayError).message).toMatch(/secret is wrong/);
    expect(await new KeytarSecretStore(w.service).get('me')).toBeNull();
    expect((await w.core.manager.catalog()).identities).toHaveLength(0);
  });
});

describe('sessions', () => {
  it('assume writes a StsToken profile, keeps foreign profiles and fields, and caches the session', async () => {
    const before = await seedForeignConfig();
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me' });
    const view = await w.core.manager.assume('fc-admin');
    expect(view.state).toBe('active');
    expect(view.assumedRoleArn).toContain('fc-admin');
    const cfg = await readConfig();
    const prof = cfg.profiles.find((p) => p['name'] === 'roletray-fc-admin')!;
    expect(prof).toMatchObject({ mode: 'StsToken', region_id: 'cn-shanghai', output_format: 'json' });
    expect(String(prof['access_key_id'])).toMatch(/^STS\./);
    expect(prof['sts_expiration']).toBe(Math.floor((view.expiresAt ?? 0) / 1000));
    // everything foreign kept exactly
    const orig = JSON.parse(before);
    expect(cfg.current).toBe('default');
    expect(cfg['plugin_settings']).toEqual({ x: true });
    expect(cfg.profiles.slice(0, 2)).toEqual(orig.profiles);
    expect((await stat(w.cliConfigFile)).mode & 0o777).toBe(0o600);
    // the cache lets a second process reuse the session without calling STS
    const calls = w.sandbox.stats.calls['AssumeRole'] ?? 0;
    const other = createCore({ env: w.env });
    const creds = await other.manager.credentials('fc-admin');
    expect(creds.accessKeyId).toBe(prof['access_key_id']);
    expect(w.sandbox.stats.calls['AssumeRole'] ?? 0).toBe(calls);
  });

  it('switch sets current; stop removes the profile and restores current', async () => {
    await seedForeignConfig();
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me' });
    await w.core.manager.addRole({ name: 'ro', arn: arnOf('readonly'), source: 'me', durationSeconds: 7200 });
    await w.core.manager.switchTo('fc-admin');
    expect((await readConfig()).current).toBe('roletray-fc-admin');
    const first = (await readConfig()).profiles.find((p) => p['name'] === 'roletray-fc-admin');
    // switching again reuses the session (no STS call)
    const calls = w.sandbox.stats.calls['AssumeRole'];
    await w.core.manager.switchTo('ro');
    await w.core.manager.switchTo('fc-admin');
    expect(w.sandbox.stats.calls['AssumeRole']).toBe((calls ?? 0) + 1);
    expect((await readConfig()).profiles.find((p) => p['name'] === 'roletray-fc-admin')).toEqual(first);
    await w.core.manager.stop('fc-admin');
    const cfg = await readConfig();
    expect(cfg.profiles.map((p) => p['name'])).toEqual(['default', 'ops', 'roletray-ro']);
    expect(cfg.current).toBe('default');
    expect(await new KeytarSecretStore(w.service).get('session:fc-admin')).toBeNull();
    const st = await w.core.manager.status();
    expect(st.find((s) => s.role === 'fc-admin')?.state).toBe('stopped');
    expect(st.find((s) => s.role === 'ro')?.state).toBe('active');
  });

  it('never overwrites a profile it does not manage', async () => {
    await seedForeignConfig();
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me', profile: 'ops' });
    const before = await readFile(w.cliConfigFile, 'utf8');
    const err = (await w.core.manager.assume('fc-admin').catch((e: unknown) => e)) as RoleTrayError;
    expect(err.code).toBe('conflict');
    expect(err.message).toContain('"ops"');
    expect(await readFile(w.cliConfigFile, 'utf8')).toBe(before);
  });

  it('an invalid CLI config is reported with its position and left untouched; no STS call is made', async () => {
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me' });
    await mkdir(path.dirname(w.cliConfigFile), { recursive: true });
    const broken = '{\n\t"current": "default",\n\t"profiles": [\n';
    await writeFile(w.cliConfigFile, broken);
    const calls = w.sandbox.stats.calls['AssumeRole'] ?? 0;
    const err = (await w.core.manager.assume('fc-admin').catch((e: unknown) => e)) as RoleTrayError;
    expect(err.code).toBe('config-file');
    expect(err.message).toContain(w.cliConfigFile);
    expect(err.message).toMatch(/line \d+/);
    expect(await readFile(w.cliConfigFile, 'utf8')).toBe(broken);
    expect(w.sandbox.stats.calls['AssumeRole'] ?? 0).toBe(calls);
  });

  it('chains role -> role through the source session', async () => {
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me' });
    await w.core.manager.addRole({ name: 'target', arn: arnOf('chain-target'), source: 'fc-admin', durationSeconds: 7200 });
    const v = await w.core.manager.assume('target');
    expect(v.assumedRoleArn).toContain('chain-target');
    expect(v.note).toBeNull();
    expect((v.expiresAt ?? 0) - Date.now()).toBeGreaterThan(3600_000);
  });

  it('a capped chained duration is retried once at 3600 s, remembered and explained', async () => {
    await w.cleanup();
    w = await startTestWorld({ sandbox: { chainedCap: true } });
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me' });
    await w.core.manager.addRole({ name: 'target', arn: arnOf('chain-target'), source: 'fc-admin', durationSeconds: 7200 });
    const v = await w.core.manager.assume('target');
    expect(v.note).toMatch(/3600 s/);
    expect((v.expiresAt ?? 0) - Date.now()).toBeLessThanOrEqual(3600_000);
    const cat = await w.core.manager.catalog();
    expect(cat.roles.find((r) => r.name === 'target')?.chainedDurationCapped).toBe(true);
    // next time it asks for 3600 directly: exactly one AssumeRole for target
    const before = w.sandbox.stats.calls['AssumeRole'] ?? 0;
    await w.core.manager.assume('target', { force: true });
    expect((w.sandbox.stats.calls['AssumeRole'] ?? 0) - before).toBe(1);
  });

  it('revoked trust marks the session error with NoPermission and writes nothing', async () => {
    await addUser();
    await w.core.manager.addRole({ name: 'gone', arn: arnOf('revoked-role'), source: 'me' });
    const err = (await w.core.manager.assume('gone').catch((e: unknown) => e)) as RoleTrayError;
    expect(err.stsCode).toBe('NoPermission');
    expect(err.retryable).toBe(false);
    expect(err.requestId).toBeTruthy();
    expect(err.oneLine()).toMatch(/revoked or trust removed.*NoPermission, RequestId/);
    const st = await w.core.manager.status();
    expect(st[0]?.state).toBe('error');
    expect(st[0]?.error?.stsCode).toBe('NoPermission');
    await expect(stat(w.cliConfigFile)).rejects.toThrow();
  });

  it('ExternalId is required by vendor-access', async () => {
    await addUser();
    await w.core.manager.addRole({ name: 'vendor', arn: arnOf('vendor-access'), source: 'me' });
    const err = (await w.core.manager.assume('vendor').catch((e: unknown) => e)) as RoleTrayError;
    expect(err.stsCode).toBeTruthy();
    await w.core.manager.updateRole('vendor', { name: 'vendor', arn: arnOf('vendor-access'), source: 'me', externalId: 'rt-ext-0001' });
    expect((await w.core.manager.assume('vendor')).state).toBe('active');
  });

  it('retryable faults keep the old credentials; malformed answers never write a partial profile', async () => {
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me' });
    const first = await w.core.manager.assume('fc-admin');
    const profBefore = await readFile(w.cliConfigFile, 'utf8');
    for (const kind of ['server-error', 'throttle', 'malformed'] as const) {
      w.sandbox.faults.inject({ action: 'AssumeRole', kind, times: 1 });
      const err = (await w.core.manager.assume('fc-admin', { force: true }).catch((e: unknown) => e)) as RoleTrayError;
      expect(err, kind).toBeInstanceOf(RoleTrayError);
      expect(err.retryable, kind).toBe(true);
      const v = await w.core.manager.view('fc-admin');
      expect(v.state, kind).toBe('active');
      expect(v.expiresAt, kind).toBe(first.expiresAt);
      expect(await readFile(w.cliConfigFile, 'utf8'), kind).toBe(profBefore);
    }
    // and it recovers
    const again = await w.core.manager.assume('fc-admin', { force: true });
    expect(again.state).toBe('active');
    expect(again.error).toBeNull();
  });

  it("the official credentials library reads RoleTray's profile and its credentials work as the assumed role", async () => {
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me', profile: 'work' });
    await w.core.manager.switchTo('fc-admin');
    // ~/.aliyun/config.json of that HOME is what the credentials library reads
    const script = `
      const { default: Credential } = require('@alicloud/credentials');
      const Sts = require('@alicloud/sts20150401');
      const { $OpenApiUtil } = require('@alicloud/openapi-core');
      (async () => {
        const cred = new Credential();
        const c = await cred.getCredential();
        const u = new URL(process.env.STS_URL);
        const client = new Sts.default(new $OpenApiUtil.Config({ credential: cred, endpoint: u.host, protocol: 'http', regionId: 'cn-hangzhou' }));
        const r = await client.getCallerIdentity();
        console.log(JSON.stringify({ provider: c.providerName, type: c.type, arn: r.body.arn, identityType: r.body.identityType }));
      })().catch((e) => { console.error(e.code || e.message); process.exit(1); });`;
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: w.home, STS_URL: w.sandbox.url };
    for (const k of Object.keys(env)) if (k.startsWith('ALIBABA_CLOUD_')) delete env[k];
    const { stdout } = await run(process.execPath, ['-e', script], { env, cwd: process.cwd() });
    const out = JSON.parse(stdout.trim());
    expect(out.provider).toContain('cli_profile');
    expect(out.identityType).toBe('AssumedRoleUser');
    expect(out.arn).toMatch(/^acs:ram::1234567890123456:assumed-role\/fc-admin\//);
  });
});

describe('secret hygiene', () => {
  it('no long-lived secret in any file under the data dir or the CLI config', async () => {
    await seedForeignConfig();
    await addUser();
    await w.core.manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'me' });
    await w.core.manager.addRole({ name: 'gone', arn: arnOf('revoked-role'), source: 'me' });
    await w.core.manager.switchTo('fc-admin');
    await w.core.manager.assume('gone').catch(() => undefined);
    await w.core.manager.addIdentity({ name: 'bad', accessKeyId: DEMO_USER_AKID, secret: `${w.userSecret}x` }).catch(() => undefined);
    const files: string[] = [];
    const walk = async (d: string): Promise<void> => {
      for (const e of await readdir(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) await walk(p);
        else files.push(p);
      }
    };
    await walk(w.home);
    expect(files.some((f) => f.endsWith('roletray.log'))).toBe(true);
    for (const f of files) {
      const text = await readFile(f, 'utf8');
      expect(text.includes(w.userSecret), f).toBe(false);
    }
  });
});
