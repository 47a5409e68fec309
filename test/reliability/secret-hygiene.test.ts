/**
 * Secret hygiene across a whole working session: the built CLI and the core against the sandbox
 * STS and the real keychain — add identities (one with a wrong key), import a plaintext AK
 * profile with --scrub, add roles (one chained), assume, switch, status, env, credential-process,
 * refresh, a revoked role, STS faults, doctor, catalog export, stop. Then every file RoleTray
 * wrote (data dir, catalog, logs, CLI config) and everything any command printed is searched for
 * the long-lived test secrets: zero hits. The logs must not hold STS session secrets either.
 *
 * Also checks the benchmark results (bench/results/latest.*), when present, for anything shaped
 * like a secret. (Every other reliability test scans its own files and outputs the same way.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../main/core/secret-store';
import { startSandbox, type SandboxHandle } from '../../main/sandbox/index';
import { cliText, tempDir } from '../helpers/cli-config-fixtures';
import { REPO, filesContaining, longLivedSecret, runCli, type CliResult } from '../helpers/reliability-env';

const userSecret = longLivedSecret();
const wrongSecret = longLivedSecret();
const legacySecret = longLivedSecret();
const LONG_LIVED = [userSecret, wrongSecret, legacySecret];
const service = `roletray-rel-hygiene-${process.pid}-${Date.now().toString(36)}`;
let sb: SandboxHandle;
let home: string;
let env: NodeJS.ProcessEnv;
const outputs: Array<{ args: string[]; r: CliResult }> = [];

async function cli(args: string[], stdin = ''): Promise<CliResult> {
  const r = await runCli(args, env, stdin);
  outputs.push({ args, r });
  return r;
}

beforeAll(async () => {
  sb = await startSandbox({ userSecret });
  home = tempDir('roletray-rel-hygiene-');
  env = {
    PATH: process.env['PATH'],
    DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'],
    HOME: home,
    ROLETRAY_HOME: path.join(home, 'data'),
    ROLETRAY_CLI_CONFIG: path.join(home, '.aliyun', 'config.json'),
    ROLETRAY_KEYCHAIN_SERVICE: service,
    ROLETRAY_STS_ENDPOINT: sb.url,
  };
  fs.mkdirSync(path.join(home, '.aliyun'), { recursive: true });
  fs.writeFileSync(
    env['ROLETRAY_CLI_CONFIG']!,
    cliText({
      current: 'legacy',
      profiles: [{ name: 'legacy', mode: 'AK', access_key_id: 'FAKEAKIDLegacyKey0001', access_key_secret: legacySecret, region_id: 'cn-hangzhou', output_format: 'json', language: 'en' }],
      meta_path: '',
    }),
    { mode: 0o600 },
  );
}, 30_000);

afterAll(async () => {
  const store = new KeytarSecretStore(service);
  for (const a of ['me', 'bad', 'legacy', '__roletray_probe__', ...['fc', 'ro', 'chain', 'gone'].map((r) => `session:${r}`)]) await store.delete(a).catch(() => false);
  for (const a of await store.list().catch(() => [] as string[])) await store.delete(a).catch(() => false);
  await sb?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('secret hygiene over a whole session', () => {
  it('no long-lived secret in any file RoleTray wrote or anything it printed; no STS secret in the logs', async () => {
    const arn = (r: string) => sb.world.roleArn(r);
    const ok = (r: CliResult, what: string) => expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    ok(await cli(['identity', 'add', 'me', '--access-key-id', 'RTSANDBOX0USER0001', '--region', 'cn-hangzhou'], `${userSecret}\n`), 'identity add');
    const bad = await cli(['identity', 'add', 'bad', '--access-key-id', 'RTSANDBOX0USER0001'], `${wrongSecret}\n`);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/SignatureDoesNotMatch/);
    ok(await cli(['import-cli', '--scrub', '--no-verify']), 'import-cli --scrub');
    ok(await cli(['role', 'add', 'fc', '--arn', arn('fc-admin'), '--source', 'me']), 'role add fc');
    ok(await cli(['role', 'add', 'ro', '--arn', arn('readonly'), '--source', 'me', '--duration', '3600']), 'role add ro');
    ok(await cli(['role', 'add', 'chain', '--arn', arn('chain-target'), '--source', 'fc', '--duration', '3600']), 'role add chain');
    ok(await cli(['role', 'add', 'gone', '--arn', arn('revoked-role'), '--source', 'me']), 'role add gone');
    ok(await cli(['assume', 'fc', '--switch']), 'assume');
    ok(await cli(['switch', 'ro']), 'switch');
    ok(await cli(['assume', 'chain']), 'assume chain');
    ok(await cli(['status', '--json']), 'status');
    ok(await cli(['env', 'fc']), 'env');
    ok(await cli(['credential-process', 'fc']), 'credential-process');
    sb.faults.inject({ action: 'AssumeRole', kind: 'server-error' });
    expect((await cli(['refresh', 'fc'])).code).toBe(1);
    ok(await cli(['refresh', 'fc']), 'refresh');
    expect((await cli(['assume', 'gone'])).code).toBe(1);
    sb.faults.inject({ action: 'AssumeRole', kind: 'malformed' });
    expect((await cli(['refresh', 'ro'])).code).toBe(1);
    await cli(['doctor']);
    ok(await cli(['catalog', 'export']), 'catalog export');
    ok(await cli(['identity', 'list']), 'identity list');
    ok(await cli(['stop', 'ro']), 'stop');

    // the workload really ran: STS calls, a profile written, the legacy key moved to the keychain
    expect(sb.stats.calls['AssumeRole'] ?? 0).toBeGreaterThanOrEqual(5);
    const config = fs.readFileSync(env['ROLETRAY_CLI_CONFIG']!, 'utf8');
    expect(config).toContain('roletray-fc');
    const store = new KeytarSecretStore(service);
    expect(await store.get('legacy')).toBe(legacySecret);
    expect(await store.get('me')).toBe(userSecret);

    // zero hits for the long-lived secrets
    expect(filesContaining(home, LONG_LIVED)).toEqual([]);
    const leaked = outputs.filter(({ r }) => LONG_LIVED.some((s) => r.stdout.includes(s) || r.stderr.includes(s))).map(({ args }) => args.join(' '));
    expect(leaked).toEqual([]);
    for (const { args, r } of outputs) expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m);

    // the logs exist and hold no STS session secret either (those belong only in the CLI config,
    // the keychain and the outputs of env/credential-process)
    const logDir = path.join(home, 'data', 'logs');
    expect(fs.existsSync(logDir)).toBe(true);
    const stsSecrets: string[] = [];
    for (const role of ['fc', 'chain']) {
      const cached = JSON.parse((await store.get(`session:${role}`)) ?? 'null') as { creds: { accessKeySecret: string; securityToken: string } } | null;
      if (cached) stsSecrets.push(cached.creds.accessKeySecret, cached.creds.securityToken);
    }
    expect(stsSecrets.length).toBeGreaterThanOrEqual(2);
    expect(filesContaining(logDir, stsSecrets)).toEqual([]);
    expect(filesContaining(path.join(home, 'data'), stsSecrets)).toEqual([]);
    const statusOut = outputs.find(({ args }) => args[0] === 'status')?.r.stdout ?? '';
    for (const s of stsSecrets) expect(statusOut).not.toContain(s);
  }, 60_000);

  it('benchmark results hold nothing shaped like a secret', () => {
    const dir = path.join(REPO, 'bench', 'results');
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(json|md)$/.test(f)) : [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      expect(text, f).not.toMatch(/rtBenchLongLived[0-9a-f]{8}|rtLongLivedTest[0-9a-f]{8}|rtTestSecret[0-9a-f]{8}/);
      expect(text, f).not.toMatch(/CAIS[A-Za-z0-9+/=]{20}/); // STS security tokens
      expect(text, f).not.toMatch(/"(access_key_secret|AccessKeySecret|accessKeySecret|sts_token|SecurityToken)"\s*:/);
    }
  });
});
