/**
 * The two ways programs get credentials from RoleTray without a profile write: `credential-process`
 * (aliyun CLI "External" mode) and `serve` (ALIBABA_CLOUD_CREDENTIALS_URI), each consumed by the
 * OWN providers of @alicloud/credentials in a child process, then GetCallerIdentity through the
 * official @alicloud/sts20150401 client against the sandbox.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CliWorld } from '../helpers/cli-harness';
import { BIN, ensureCliBuilt, json, leakedIn, runNodeScript, startCliWorld } from '../helpers/cli-harness';

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const ASSUMED_FC_ADMIN = /^acs:ram::1234567890123456:assumed-role\/fc-admin\/[A-Za-z0-9.@_-]+$/;

/** Child-process script: build a Credential from a provider, then call GetCallerIdentity with the official client. */
function callerIdentityScript(providerExpr: string): string {
  return `
    const credMod = (await import('@alicloud/credentials')).default;
    const Credential = credMod.default;
    const cred = new Credential(null, ${providerExpr});
    const c = await cred.getCredential();
    const sts = (await import('@alicloud/sts20150401')).default;
    const { $OpenApiUtil } = await import('@alicloud/openapi-core');
    const client = new sts.default(new $OpenApiUtil.Config({ credential: cred, endpoint: process.env.TEST_STS_HOST, protocol: 'http', regionId: 'cn-hangzhou' }));
    const r = await client.getCallerIdentity();
    console.log(JSON.stringify({ arn: r.body.arn, identityType: r.body.identityType, accessKeyId: c.accessKeyId, type: c.type, provider: c.providerName }));
  `;
}

interface Caller {
  arn: string;
  identityType: string;
  accessKeyId: string;
  type: string;
  provider: string;
}

let w: CliWorld;
let stsHost: string;

beforeAll(async () => {
  await ensureCliBuilt();
  w = await startCliWorld();
  stsHost = new URL(w.sandbox.url).host;
  await w.seed([{ name: 'fc-admin' }, { name: 'cp', role: 'fc-admin' }, { name: 'served', role: 'fc-admin' }, { name: 'revoked', role: 'revoked-role' }]);
  // `served` has a session before two servers use it at once (two first uses would each assume it)
  await w.core().manager.credentials('served');
  await w.core().writer.flush();
});

afterAll(async () => {
  await w?.cleanup();
});

describe.concurrent('credential-process', () => {
  test('prints exactly the External-mode JSON and reuses the cached session', async () => {
    const first = await w.run(['credential-process', 'cp']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    const out = json<Record<string, unknown>>(first);
    expect(Object.keys(out).sort()).toEqual(['access_key_id', 'access_key_secret', 'expiration', 'mode', 'sts_expiration', 'sts_token']);
    expect(out['mode']).toBe('StsToken');
    expect(String(out['access_key_id'])).toMatch(/^STS\./);
    expect(out['expiration']).toMatch(ISO_SECONDS);
    expect(out['sts_expiration']).toBe(Date.parse(String(out['expiration'])) / 1000);
    expect(Number(out['sts_expiration']) - Date.now() / 1000).toBeGreaterThan(3500);
    expect(first.stdout.trim().split('\n')).toHaveLength(1);

    const again = await Promise.all([w.run(['credential-process', 'cp']), w.run(['credential-process', 'cp'])]);
    for (const r of again) expect(json(r)).toEqual(out); // the cached session, no new STS session
  });

  test('errors go to stderr with the exit code, stdout stays empty', async () => {
    const [unknown, revoked] = await Promise.all([w.run(['credential-process', 'nope']), w.run(['credential-process', 'revoked'])]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toBe('');
    expect(revoked.stderr).toMatch(/NoPermission/);
  });

});

describe.concurrent('serve', () => {
  test('serves the credentials-URI JSON on a tokenized loopback path, refuses everything else, and ends on SIGTERM', async () => {
    const server = w.start(['serve', '--json']);
    const [line] = await server.waitFor(/^\{.*\}\n/m);
    const info = JSON.parse(line) as { port: number; baseUrl: string; roles: Record<string, string> };
    const url = info.roles['served']!;
    const u = new URL(url);
    expect(u.hostname).toBe('127.0.0.1');
    const token = u.pathname.split('/')[1]!;
    expect(token.length).toBeGreaterThanOrEqual(32);

    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['AccessKeyId', 'AccessKeySecret', 'Code', 'Expiration', 'SecurityToken']);
    expect(body['Code']).toBe('Success');
    expect(body['AccessKeyId']).toMatch(/^STS\./);
    expect(body['Expiration']).toMatch(ISO_SECONDS);
    const again = (await (await fetch(url)).json()) as Record<string, string>;
    expect(again['AccessKeyId']).toBe(body['AccessKeyId']);

    const base = `http://127.0.0.1:${info.port}`;
    const refused = await Promise.all([
      fetch(`${base}/`),
      fetch(`${base}/${token}`),
      fetch(`${base}/${token}/nope`),
      fetch(`${base}/${token}/served/extra`),
      fetch(`${base}/${'x'.repeat(token.length)}/served`),
      fetch(`${base}/wrong/served`),
    ]);
    for (const r of refused) {
      expect(r.status).toBe(404);
      expect(await r.text()).toBe('');
    }
    const post = await fetch(url, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(await post.text()).toBe('');
    // a page that rebinds a DNS name to 127.0.0.1 sends its own Host header
    const rebound = await new Promise<number>((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request({ host: '127.0.0.1', port: info.port, path: u.pathname, headers: { host: `evil.example:${info.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      }, reject);
    });
    expect(rebound).toBe(404);

    // ALIBABA_CLOUD_CREDENTIALS_URI through the library's default chain (env, profiles and ECS skipped)
    const emptyHome = await mkdtemp(path.join(os.tmpdir(), 'roletray-uri-'));
    try {
      const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], HOME: emptyHome, ALIBABA_CLOUD_CREDENTIALS_URI: url, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', TEST_STS_HOST: stsHost };
      const caller = JSON.parse(await runNodeScript(callerIdentityScript('undefined'), env)) as Caller;
      expect(caller.arn).toMatch(ASSUMED_FC_ADMIN);
      expect(caller.accessKeyId).toBe(body['AccessKeyId']);
      expect(caller.provider).toContain('credential_uri');
    } finally {
      await rm(emptyHome, { recursive: true, force: true });
    }

    server.child.kill('SIGTERM');
    const done = await server.exited;
    expect(done.code).toBe(0);
  });

  test('the human output prints one URL per role and how to use it', async () => {
    const server = w.start(['serve', '--port', '0']);
    await server.waitFor(/ALIBABA_CLOUD_CREDENTIALS_URI=(\S+)/);
    const [, url] = /^ {2}served {2}(http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+\/served)$/m.exec(server.stdout()) ?? [];
    expect(server.stdout()).toMatch(/^ {2}fc-admin {2}http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+\/fc-admin$/m);
    expect((await fetch(url!)).status).toBe(200);
    server.child.kill('SIGINT');
    expect((await server.exited).code).toBe(0);
  });
});

describe('aliyun CLI External mode', () => {
  test("the aliyun CLI External profile, read by @alicloud/credentials' CLI-profile provider, yields the assumed role", async () => {
    // The provider reads os.homedir()/.aliyun/config.json: this world's HOME and CLI config.
    await mkdir(path.dirname(w.cliConfigFile), { recursive: true });
    await writeFile(
      w.cliConfigFile,
      JSON.stringify({
        current: 'fc-ext',
        profiles: [
          { name: 'fc-ext', mode: 'External', process_command: `${process.execPath} ${BIN} credential-process fc-admin`, region_id: 'cn-hangzhou' },
          { name: 'keep-me', mode: 'AK', access_key_id: 'FAKEAKIDKeepMe0001', access_key_secret: 'keep-me-secret', region_id: 'cn-beijing', extra_field: 42 },
        ],
        meta_path: '',
      }),
      { mode: 0o600 },
    );
    const env = { ...w.env, TEST_STS_HOST: stsHost };
    const script = callerIdentityScript("credMod.CLIProfileCredentialsProvider.builder().withProfileName('fc-ext').build()");
    const first = JSON.parse(await runNodeScript(script, env)) as Caller;
    expect(first.arn).toMatch(ASSUMED_FC_ADMIN);
    expect(first.identityType).toBe('AssumedRoleUser');
    expect(first.accessKeyId).toMatch(/^STS\./);
    expect(first.provider).toContain('cli_profile');

    // a second process runs the command again: the cached session answers, same key
    const second = JSON.parse(await runNodeScript(script, env)) as Caller;
    expect(second.accessKeyId).toBe(first.accessKeyId);

    // Both writers of config.json coexist: the library wrote back its External profile, RoleTray
    // its StsToken profile, and the foreign AK profile is intact.
    const cfg = JSON.parse(await readFile(w.cliConfigFile, 'utf8')) as { profiles: Array<Record<string, unknown>> };
    const byName = new Map(cfg.profiles.map((p) => [p['name'], p]));
    expect(byName.get('fc-ext')).toMatchObject({ mode: 'External', access_key_id: first.accessKeyId });
    expect(byName.get('roletray-fc-admin')).toMatchObject({ mode: 'StsToken', access_key_id: first.accessKeyId });
    expect(byName.get('keep-me')).toEqual({ name: 'keep-me', mode: 'AK', access_key_id: 'FAKEAKIDKeepMe0001', access_key_secret: 'keep-me-secret', region_id: 'cn-beijing', extra_field: 42 });
  });
});

describe('lead time', () => {
  test('a cached session with less than the lead time left is replaced by credential-process', async () => {
    const solo = await startCliWorld();
    try {
      await solo.seed([{ name: 'fc-admin' }]);
      const a = json<{ access_key_id: string }>(await solo.run(['credential-process', 'fc-admin']));
      const b = json<{ access_key_id: string }>(await solo.run(['credential-process', 'fc-admin']));
      expect(b.access_key_id).toBe(a.access_key_id);
      // a one-hour lead makes every one-hour session due
      await solo.core().manager.updateSettings({ refreshLeadSeconds: 3600 });
      const c = json<{ access_key_id: string }>(await solo.run(['credential-process', 'fc-admin']));
      expect(c.access_key_id).not.toBe(a.access_key_id);
      // `refresh` without a role refreshes every due session
      const refreshed = await solo.run(['refresh', '--json']);
      expect(refreshed.code, refreshed.stderr).toBe(0);
      expect(json(refreshed)).toEqual([expect.objectContaining({ role: 'fc-admin', refreshed: true, state: 'active' })]);
      const sts = await solo.stsSecrets();
      for (const r of solo.transcript) expect(leakedIn(r.stderr, [solo.userSecret, ...sts])).toEqual([]);
    } finally {
      await solo.cleanup();
    }
  });
});
