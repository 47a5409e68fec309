/**
 * Moving secrets out of plaintext (`import-cli [--scrub]`), the health check (`doctor`), sharing
 * the catalogue (`catalog export|import`) and the embedded sandbox (`sandbox [--setup]`), through
 * the real built CLI against the sandbox STS, the real keychain and temp files.
 */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_USER_SECRET, NO_PERM_KEY_ID, TEST_USER_KEY_ID, VENDOR_EXTERNAL_ID, noPermSecret } from '../../main/sandbox/index';
import type { CliResult, CliWorld } from '../helpers/cli-harness';
import { arnOf, ensureCliBuilt, json, leakedIn, startCliWorld } from '../helpers/cli-harness';

let imp: CliWorld; // import-cli and doctor
let teamA: CliWorld; // exports its catalogue
let teamB: CliWorld; // imports it
let sb: CliWorld; // runs `roletray sandbox`

beforeAll(async () => {
  await ensureCliBuilt();
  [imp, teamA, teamB, sb] = await Promise.all([startCliWorld(), startCliWorld(), startCliWorld(), startCliWorld()]);
});

afterAll(async () => {
  await Promise.all([imp, teamA, teamB, sb].map((w) => w?.cleanup()));
});

function expectExit(r: CliResult, code: number): void {
  expect(r.code, `roletray ${r.args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
}

describe.concurrent('import-cli and doctor', () => {
  test('import-cli moves AK secrets into the keychain; --scrub removes those profiles; doctor reports what is left', async () => {
    const w = imp;
    await mkdir(path.dirname(w.cliConfigFile), { recursive: true });
    const foreignSts = { name: 'sts-foreign', mode: 'StsToken', access_key_id: 'STS.foreign', access_key_secret: 'foreign-sts-secret', sts_token: 'tok', region_id: 'cn-hangzhou', custom: true };
    const external = { name: 'ext', mode: 'External', process_command: 'some-helper --flag', region_id: 'cn-hangzhou' };
    const original = {
      current: 'old-ak',
      profiles: [
        { name: 'old-ak', mode: 'AK', access_key_id: TEST_USER_KEY_ID, access_key_secret: w.userSecret, region_id: 'cn-shanghai', output_format: 'json', language: 'en' },
        foreignSts,
        { name: 'team key!', mode: 'AK', access_key_id: NO_PERM_KEY_ID, access_key_secret: noPermSecret(w.userSecret), region_id: 'cn-beijing', site: 'china' },
        { name: 'broken', mode: 'AK', access_key_id: 'RTSANDBOXNOSUCHKEY1', access_key_secret: 'broken-secret-value-1', region_id: 'cn-hangzhou' },
        external,
      ],
      meta_path: '',
      unknown_top: { keep: 1 },
    };
    const originalText = JSON.stringify(original, null, '\t');
    await writeFile(w.cliConfigFile, originalText, { mode: 0o600 });

    // doctor before: plaintext keys flagged with the fixing command, exit 1
    const before = await w.run(['doctor']);
    expectExit(before, 1);
    expect(before.stdout).toMatch(/FAIL {2}profile old-ak .* long-lived AccessKey secret in plaintext\n {6}fix: roletray import-cli --scrub/);
    expect(before.stdout).toMatch(/FAIL {2}profile team key! /);
    expect(before.stdout).not.toMatch(/profile sts-foreign/);
    expect(before.stdout).toMatch(/problems found/);

    const first = await w.run(['import-cli', '--json']);
    expectExit(first, 1); // `broken` cannot be verified
    const report = json<{ imported: Array<{ profile: string; identity: string; arn: string | null }>; failed: Array<{ profile: string; stsCode: string | null }>; scrubbed: string[] }>(first);
    expect(report.imported.map((i) => [i.profile, i.identity])).toEqual([
      ['old-ak', 'old-ak'],
      ['team key!', 'team-key-'],
    ]);
    expect(report.imported[0]!.arn).toBe('acs:ram::9876543210987654:user/test_user1');
    expect(report.failed).toEqual([{ profile: 'broken', error: expect.stringMatching(/InvalidAccessKeyId\.NotFound/), stsCode: 'InvalidAccessKeyId.NotFound' }]);
    expect(report.scrubbed).toEqual([]);
    expect(first.stderr).toMatch(/^roletray: profile broken: .*InvalidAccessKeyId\.NotFound/m);
    expect(await readFile(w.cliConfigFile, 'utf8')).toBe(originalText); // without --scrub the file is untouched
    const store = w.core().manager.secrets;
    expect(await store.get('old-ak')).toBe(w.userSecret);
    expect(await store.get('team-key-')).toBe(noPermSecret(w.userSecret));
    const ids = json<Array<{ name: string; region: string; site: string }>>(await w.run(['--json', 'identity', 'list']));
    expect(ids.find((i) => i.name === 'old-ak')).toMatchObject({ region: 'cn-shanghai' });
    expect(ids.find((i) => i.name === 'team-key-')).toMatchObject({ region: 'cn-beijing', site: 'cn' });

    const scrub = await w.run(['import-cli', '--scrub']);
    expectExit(scrub, 1); // `broken` still fails
    expect(scrub.stdout).toMatch(/profile old-ak is already identity old-ak/);
    expect(scrub.stdout).toMatch(/removed profile\(s\) old-ak, team key! from /);
    expect(scrub.stdout).toMatch(/`current` still names old-ak, which no longer exists: pick a role with: roletray switch <role>/);
    const after = JSON.parse(await readFile(w.cliConfigFile, 'utf8')) as typeof original;
    expect(after.profiles.map((p) => p.name)).toEqual(['sts-foreign', 'broken', 'ext']);
    expect(after.profiles[0]).toEqual(foreignSts);
    expect(after.profiles[2]).toEqual(external);
    expect(after.current).toBe('old-ak'); // left for the user to switch
    expect(after.unknown_top).toEqual({ keep: 1 });
    expect((await stat(w.cliConfigFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(w.cliConfigFile, 'utf8')).not.toContain(w.userSecret);

    // doctor after: only `broken` is left; a world-readable file and an env key are flagged too
    await chmod(w.cliConfigFile, 0o644);
    const envKey = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'FAKEAKIDEnvKey00001', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret-should-not-print' };
    const doc = await w.run(['doctor', '--json'], { env: envKey });
    expectExit(doc, 1);
    const findings = json<{ ok: boolean; findings: Array<{ check: string; ok: boolean; message: string; fix?: string }> }>(doc);
    expect(findings.ok).toBe(false);
    const bad = findings.findings.filter((f) => !f.ok);
    expect(bad.map((f) => f.check).sort()).toEqual(['cli-config-mode', 'env', 'plaintext-key']);
    expect(bad.find((f) => f.check === 'cli-config-mode')?.fix).toBe(`chmod 600 ${w.cliConfigFile}`);
    expect(bad.find((f) => f.check === 'plaintext-key')?.message).toContain('profile broken');
    expect(bad.find((f) => f.check === 'env')?.fix).toMatch(/unset ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
    expect(findings.findings.find((f) => f.check === 'keychain')).toMatchObject({ ok: true });
    expect(doc.stdout + doc.stderr).not.toContain('env-secret-should-not-print');
    // an STS key in the environment is short-lived: not a finding
    const stsEnv = await w.run(['doctor', '--json'], { env: { ALIBABA_CLOUD_ACCESS_KEY_ID: 'STS.abc', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'x', ALIBABA_CLOUD_SECURITY_TOKEN: 'y' } });
    expect(json<{ findings: Array<{ check: string; ok: boolean }> }>(stsEnv).findings.find((f) => f.check === 'env')).toMatchObject({ ok: true });

    for (const r of w.transcript) expect(leakedIn(r.stdout + r.stderr, [w.userSecret, noPermSecret(w.userSecret), 'broken-secret-value-1']), r.args.join(' ')).toEqual([]);
  });

  test('doctor passes on a clean setup and fails on an invalid CLI config, naming line and column', async () => {
    const w = sb; // read-only here, so sharing the sandbox tests' world is safe
    const clean = await w.run(['doctor']);
    expectExit(clean, 0);
    expect(clean.stdout).toMatch(/ok {4}the OS keychain works/);
    expect(clean.stdout).toMatch(/no problems found/);
    const broken = path.join(w.home, 'broken-config.json');
    await writeFile(broken, '{\n  "current": "x",\n  "profiles": [\n', { mode: 0o600 });
    const bad = await w.run(['doctor'], { env: { ROLETRAY_CLI_CONFIG: broken } });
    expectExit(bad, 1);
    expect(bad.stdout).toMatch(/FAIL {2}.*broken-config\.json:4:1: the aliyun CLI config is not valid JSON/);
    expect(bad.stdout).toMatch(/fix: /);
  });
});

interface Shared {
  format: string;
  version: number;
  identities: Array<Record<string, unknown>>;
  roles: Array<Record<string, unknown>>;
}

describe.concurrent('catalog export and import', () => {
  test('export writes no secret, no STS credential and no AccessKey ID; import merges, keeps local roles unless --replace, and lists keys to add', async () => {
    // team A: an identity with a key, roles with every option, a live session
    await teamA.seed([{ name: 'fc-admin' }, { name: 'vendor', role: 'vendor-access', externalId: VENDOR_EXTERNAL_ID }, { name: 'chain', role: 'chain-target', source: 'fc-admin' }], 'alice');
    await teamA.core().manager.addIdentity({ name: 'ops', accessKeyId: 'FAKEAKIDOpsKey00001', secret: 'ops-secret-value-1', site: 'intl', region: 'ap-southeast-1', verify: false });
    await teamA.core().manager.addRole({ name: 'ops-ro', arn: arnOf('readonly'), source: 'ops', durationSeconds: 7200, policy: '{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}]}' });
    expectExit(await teamA.run(['assume', 'chain']), 0);
    const file = path.join(teamA.home, 'team.json');
    const exported = await teamA.run(['catalog', 'export', file]);
    expectExit(exported, 0);
    const text = await readFile(file, 'utf8');
    const stdoutExport = await teamA.run(['catalog', 'export']);
    expect(stdoutExport.stdout).toBe(text);
    const sts = await teamA.stsSecrets();
    expect(sts.length).toBeGreaterThan(0);
    expect(leakedIn(text, [teamA.userSecret, 'ops-secret-value-1', ...sts])).toEqual([]);
    expect(text).not.toContain(TEST_USER_KEY_ID);
    expect(text).not.toContain('FAKEAKIDOpsKey00001');
    expect(text).not.toMatch(/STS\./);
    expect(text).not.toMatch(/accessKeyId|secret|token/i);
    const shared = JSON.parse(text) as Shared;
    expect(shared.format).toBe('roletray-catalog');
    expect(shared.identities).toEqual([
      { name: 'alice', site: 'cn', region: 'cn-hangzhou' },
      { name: 'ops', site: 'intl', region: 'ap-southeast-1' },
    ]);
    expect(shared.roles.find((r) => r['name'] === 'vendor')).toMatchObject({ arn: arnOf('vendor-access'), source: 'alice', externalId: VENDOR_EXTERNAL_ID, profile: 'roletray-vendor', durationSeconds: 3600 });

    // team B: its own key under the same identity name, a local fc-admin that differs
    const b = teamB;
    await b.seed([], 'alice');
    await b.core().manager.addRole({ name: 'fc-admin', arn: arnOf('fc-admin'), source: 'alice', durationSeconds: 1800 });
    const catalogFile = path.join(b.dataDir, 'catalog.json');
    const beforeImport = await readFile(catalogFile, 'utf8');

    // bad files: exit 2, nothing changed
    const bad = async (name: string, content: string): Promise<CliResult> => {
      const p = path.join(b.home, name);
      await writeFile(p, content);
      return b.run(['catalog', 'import', p]);
    };
    const badRole = { ...shared, roles: [{ ...shared.roles[0], arn: 'acs:ram::1:role/x' }] };
    const orphan = { ...shared, identities: [], roles: [{ name: 'lost', arn: arnOf('fc-admin'), source: 'nobody' }] };
    const dup = { ...shared, roles: [shared.roles[0], shared.roles[0]] };
    const clash = { ...shared, identities: [], roles: [{ name: 'alice', arn: arnOf('fc-admin'), source: 'fc-admin' }] };
    const results = await Promise.all([
      bad('not-json.json', '{"format": "roletray-catalog", '),
      bad('wrong-format.json', JSON.stringify({ version: 1, roles: [] })),
      bad('bad-arn.json', JSON.stringify(badRole)),
      bad('orphan.json', JSON.stringify(orphan)),
      bad('dup.json', JSON.stringify(dup)),
      bad('clash.json', JSON.stringify(clash)),
      b.run(['catalog', 'import', path.join(b.home, 'missing.json')]),
    ]);
    for (const r of results) {
      expectExit(r, 2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(results[2]!.stderr).toMatch(/roles\.0\.arn/);
    expect(results[3]!.stderr).toMatch(/source "nobody"/);
    expect(results[4]!.stderr).toMatch(/twice/);
    expect(await readFile(catalogFile, 'utf8')).toBe(beforeImport);

    // the real import
    const imported = await b.run(['catalog', 'import', file, '--json']);
    expectExit(imported, 0);
    const plan = json<{ addedRoles: string[]; keptRoles: string[]; addedIdentities: string[]; keptIdentities: string[]; needsKey: Array<{ name: string; command: string; usedBy: string[] }> }>(imported);
    expect(plan.addedRoles.sort()).toEqual(['chain', 'ops-ro', 'vendor']);
    expect(plan.keptRoles).toEqual(['fc-admin']);
    expect(plan.keptIdentities).toEqual(['alice']);
    expect(plan.addedIdentities).toEqual(['ops']);
    expect(plan.needsKey).toEqual([{ name: 'ops', usedBy: ['ops-ro'], command: 'roletray identity add ops --access-key-id <your AccessKey ID> --site intl --region ap-southeast-1' }]);
    const roles = json<Array<{ name: string; durationSeconds: number; externalId?: string }>>(await b.run(['--json', 'role', 'list']));
    expect(roles.find((r) => r.name === 'fc-admin')?.durationSeconds).toBe(1800); // local kept
    expect(roles.find((r) => r.name === 'vendor')?.externalId).toBe(VENDOR_EXTERNAL_ID);

    // roles on B's own key work at once; the placeholder's role says what to do
    const [chain, opsRo] = await Promise.all([b.run(['assume', 'chain']), b.run(['assume', 'ops-ro'])]);
    expectExit(chain, 0);
    expectExit(opsRo, 2);
    expect(opsRo.stderr).toMatch(/identity "ops" has no key yet.*roletray identity add ops --access-key-id/);
    const idList = await b.run(['identity', 'list']);
    expect(idList.stdout).toMatch(/ops\s+-\s+intl\s+ap-southeast-1\s+-\s+needs a key: roletray identity add ops/);

    // human output, then --replace takes the shared fc-admin
    const again = await b.run(['catalog', 'import', file]);
    expectExit(again, 0);
    expect(again.stdout).toMatch(/kept local roles \(use --replace to take the shared ones\): fc-admin/);
    expect(again.stdout).toMatch(/ {2}roletray identity add ops --access-key-id <your AccessKey ID> --site intl --region ap-southeast-1 {3}# for ops-ro/);
    const replaced = await b.run(['catalog', 'import', file, '--replace', '--json']);
    expectExit(replaced, 0);
    expect(json<{ replacedRoles: string[] }>(replaced).replacedRoles).toEqual(['fc-admin']);
    const roles2 = json<Array<{ name: string; durationSeconds: number }>>(await b.run(['--json', 'role', 'list']));
    expect(roles2.find((r) => r.name === 'fc-admin')?.durationSeconds).toBe(3600);
    // B's own key for `alice` is untouched
    expect(await b.core().manager.secrets.get('alice')).toBe(b.userSecret);
  });
});

describe.concurrent('sandbox', () => {
  test('roletray sandbox serves the demo world until SIGINT and tells how to use it', async () => {
    const run = sb.start(['sandbox', '--port', '0'], { env: { ROLETRAY_STS_ENDPOINT: undefined } });
    const [, url] = await run.waitFor(/RoleTray sandbox STS: (http:\/\/127\.0\.0\.1:\d+)/);
    await run.waitFor(/until Ctrl-C/);
    const out = run.stdout();
    expect(out).toContain(`ROLETRAY_STS_ENDPOINT=${url} roletray identity add demo --access-key-id RTSANDBOX0USER0001`);
    expect(out).toMatch(/ROLETRAY_HOME/);
    // use it exactly as printed, in a separate home
    const env = { ROLETRAY_STS_ENDPOINT: url, ROLETRAY_HOME: path.join(sb.home, 'try'), ROLETRAY_CLI_CONFIG: path.join(sb.home, 'try', 'config.json') };
    const add = await sb.run(['--json', 'identity', 'add', 'demo', '--access-key-id', 'RTSANDBOX0USER0001'], { input: `${DEMO_USER_SECRET}\n`, env });
    expectExit(add, 0);
    expect(json(add)).toMatchObject({ name: 'demo', accountId: '9876543210987654' });
    run.child.kill('SIGINT');
    expect((await run.exited).code).toBe(0);
  });

  test('sandbox --setup creates a sandbox-only home with the demo identity and roles and prints its env', async () => {
    const run = sb.start(['sandbox', '--setup', '--json'], { env: { ROLETRAY_STS_ENDPOINT: undefined } });
    const [line] = await run.waitFor(/^\{.*\}$/m, 15_000);
    const info = JSON.parse(line) as { url: string; env: Record<string, string> };
    expect(info.env['ROLETRAY_HOME']).toBe(path.join(sb.dataDir, 'sandbox'));
    expect(info.env['ROLETRAY_KEYCHAIN_SERVICE']).toBe(`${sb.service}-sandbox`);
    expect(info.env['ROLETRAY_STS_ENDPOINT']).toBe(info.url);
    expect(path.dirname(info.env['ROLETRAY_CLI_CONFIG']!)).toBe(info.env['ROLETRAY_HOME']);
    const status = await sb.run(['status', '--json'], { env: info.env });
    expectExit(status, 0);
    expect(json<Array<{ role: string }>>(status).map((s) => s.role)).toEqual(expect.arrayContaining(['fc-admin', 'readonly', 'vendor-access', 'chain-target']));
    const assumed = await sb.run(['assume', 'chain-target', '--json'], { env: info.env });
    expectExit(assumed, 0);
    // the real home saw nothing of it
    const real = await sb.run(['--json', 'role', 'list']);
    expect(json(real)).toEqual([]);
    run.child.kill('SIGTERM');
    expect((await run.exited).code).toBe(0);
  });
});
