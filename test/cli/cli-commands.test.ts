/**
 * The `roletray` command contract, driven through the real built CLI as a subprocess against the
 * sandbox STS, the real keychain and temp files: help, usage errors and exit codes, identities,
 * roles, sessions, env/exec/console, --json shapes, and no secret in any output that must not
 * hold one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { VENDOR_EXTERNAL_ID } from '../../main/sandbox/index';
import type { CliResult, CliWorld } from '../helpers/cli-harness';
import { BIN, TEST_USER_KEY_ID, arnOf, ensureCliBuilt, json, leakedIn, startCliWorld } from '../helpers/cli-harness';

const hasPython = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;

interface StatusEntry {
  role: string;
  profile: string;
  state: string;
  expiration: string | null;
  secondsLeft: number | null;
  current: boolean;
  error?: unknown;
}

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

let w: CliWorld;

beforeAll(async () => {
  await ensureCliBuilt();
  w = await startCliWorld();
  await w.seed([
    { name: 'flow', role: 'fc-admin' },
    { name: 'fc-admin' },
    { name: 'chain', role: 'chain-target', source: 'fc-admin' },
    { name: 'revoked', role: 'revoked-role' },
    { name: 'vendor', role: 'vendor-access' },
    { name: 'vendor-ok', role: 'vendor-access', externalId: VENDOR_EXTERNAL_ID },
    { name: 'ro', role: 'readonly', durationSeconds: 7200 },
  ]);
  // a foreign profile, current before RoleTray switches anything
  await mkdir(path.dirname(w.cliConfigFile), { recursive: true });
  await writeFile(w.cliConfigFile, JSON.stringify({ current: 'mine', profiles: [{ name: 'mine', mode: 'StsToken', region_id: 'cn-hangzhou', custom: 1 }], meta_path: '' }, null, '\t'), { mode: 0o600 });
  // fc-admin has a session before the concurrent tests use it (several first uses at once would
  // each assume it, and only the last one would stay cached)
  await w.core().manager.credentials('fc-admin');
  await w.core().writer.flush();
});

afterAll(async () => {
  await w?.cleanup();
});

function expectOneLineError(r: CliResult, code: number, ...needles: (string | RegExp)[]): void {
  expect(r.code, `exit code of roletray ${r.args.join(' ')}; stderr: ${r.stderr}`).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^roletray: /);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  for (const n of needles) expect(r.stderr).toMatch(n);
}

const readConfig = async (): Promise<{ current?: string; profiles: Array<Record<string, unknown> & { name: string }> }> => JSON.parse(await readFile(w.cliConfigFile, 'utf8'));

describe.concurrent('help and usage', () => {
  test('--help describes every command and the global flags', async () => {
    const r = await w.run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['identity', 'role', 'assume', 'switch', 'status', 'refresh', 'stop', 'env', 'exec', 'credential-process', 'serve', 'console', 'import-cli', 'catalog', 'doctor', 'sandbox', '--json']) {
      expect(r.stdout).toContain(c);
    }
  });

  test('<command> --help describes every flag', async () => {
    const cases: Array<[string[], string[]]> = [
      [['identity', 'add'], ['--access-key-id', '--site', '--region', '--sts-endpoint', '--no-verify', 'stdin']],
      [['identity', 'list'], []],
      [['identity', 'remove'], ['<name>']],
      [['role', 'add'], ['--arn', '--source', '--profile', '--region', '--duration', '--session-name', '--external-id', '--policy-file']],
      [['role', 'list'], []],
      [['role', 'remove'], ['<name>']],
      [['assume'], ['--switch']],
      [['switch'], ['<role>']],
      [['status'], ['secondsLeft']],
      [['refresh'], ['[role]']],
      [['stop'], ['<role>']],
      [['env'], ['--shell', 'posix', 'fish', 'powershell']],
      [['exec'], ['<command...>', '128+N']],
      [['credential-process'], ['sts_expiration', 'External']],
      [['serve'], ['--port', '127.0.0.1']],
      [['console'], ['--destination', '--print-url']],
      [['import-cli'], ['--scrub', '--no-verify', 'REMOVED', 'roletray switch']],
      [['catalog', 'export'], ['[file]']],
      [['catalog', 'import'], ['--replace']],
      [['doctor'], ['0600']],
      [['sandbox'], ['--port', '--setup']],
    ];
    const results = await Promise.all(cases.map(([cmd]) => w.run([...cmd, '--help'])));
    results.forEach((r, i) => {
      const [cmd, flags] = cases[i]!;
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toContain(`Usage: roletray ${cmd.join(' ')}`);
      for (const f of [...flags, '--help']) expect(r.stdout, `${cmd.join(' ')} --help`).toContain(f);
    });
  });

  test('usage errors exit 2 with one line naming the problem', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['bogus'], /unknown command 'bogus'/],
      [['status', '--bogus'], /unknown option '--bogus'/],
      [['role', 'add', 'x', '--source', 'work'], /--arn/],
      [['identity', 'add', 'x', '--access-key-id', TEST_USER_KEY_ID, '--secret', 'hunter2hunter2'], /unknown option '--secret'/],
      [['identity', 'add', 'x', '--access-key-id', TEST_USER_KEY_ID, '--site', 'moon'], /moon/],
      [['serve', '--port', 'abc'], /port/],
      [['assume'], /missing required argument 'role'/],
      [['stop', 'a', 'b'], /too many arguments/],
      [['env', 'fc-admin', '--shell', 'tcsh'], /tcsh/],
    ];
    const results = await Promise.all(cases.map(([args]) => w.run(args)));
    results.forEach((r, i) => expectOneLineError(r, 2, cases[i]![1]));
    // a rejected --secret never echoes its value
    expect(results[3]!.stderr).not.toContain('hunter2hunter2');
  });

  test('ROLETRAY_DEBUG=1 adds the stack trace that is otherwise never shown', async () => {
    const [plain, debug] = await Promise.all([w.run(['assume', 'nope']), w.run(['assume', 'nope'], { env: { ROLETRAY_DEBUG: '1' } })]);
    expectOneLineError(plain, 2, /no role named "nope"/);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^roletray: no role named "nope"/);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  test('unknown roles exit 2 for every role command', async () => {
    const cmds = [['assume', 'nope'], ['switch', 'nope'], ['stop', 'nope'], ['refresh', 'nope'], ['env', 'nope'], ['credential-process', 'nope'], ['console', 'nope', '--print-url'], ['exec', 'nope', '--', 'true'], ['role', 'remove', 'nope'], ['identity', 'remove', 'nope']];
    const results = await Promise.all(cmds.map((c) => w.run(c)));
    for (const r of results) expectOneLineError(r, 2, /no (role|identity) named "nope"/);
  });
});

describe.concurrent('identities', () => {
  test('identity add reads the secret from stdin, verifies it, and prints account and ARN; list and remove', async () => {
    const human = await w.run(['identity', 'add', 'alice', '--access-key-id', TEST_USER_KEY_ID, '--region', 'ap-southeast-1', '--site', 'intl'], { input: `${w.userSecret}\n` });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('9876543210987654');
    expect(human.stdout).toContain('acs:ram::9876543210987654:user/test_user1');

    const jsonRun = await w.run(['--json', 'identity', 'add', 'bob', '--access-key-id', TEST_USER_KEY_ID], { input: w.userSecret });
    expect(jsonRun.code, jsonRun.stderr).toBe(0);
    expect(json(jsonRun)).toMatchObject({ name: 'bob', accountId: '9876543210987654', arn: 'acs:ram::9876543210987654:user/test_user1' });

    const list = json<Array<Record<string, unknown>>>(await w.run(['identity', 'list', '--json']));
    expect(list.find((i) => i['name'] === 'alice')).toMatchObject({ accessKeyId: TEST_USER_KEY_ID, site: 'intl', region: 'ap-southeast-1', accountId: '9876543210987654', hasSecret: true, placeholder: false });
    const human2 = await w.run(['identity', 'list']);
    expect(human2.stdout).toMatch(/^NAME\s+ACCESS KEY ID\s+SITE\s+REGION/);
    expect(human2.stdout).toMatch(/alice\s+RTSANDBOX0USER0001\s+intl\s+ap-southeast-1\s+9876543210987654\s+in keychain/);

    const rm = await w.run(['identity', 'remove', 'bob']);
    expect(rm.code, rm.stderr).toBe(0);
    const after = json<Array<{ name: string }>>(await w.run(['--json', 'identity', 'list']));
    expect(after.map((i) => i.name)).not.toContain('bob');
    expect(await w.core().manager.secrets.get('bob')).toBeNull();
  });

  test.skipIf(!hasPython)('on a terminal the secret is read from a prompt with echo off', async () => {
    // python's pty gives the CLI a real terminal on stdin and stdout
    const script = [
      'import os, pty, select, sys, time',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.execv(sys.argv[1], sys.argv[1:])',
      'out = b""',
      'def pump(t):',
      '    global out',
      '    end = time.time() + t',
      '    while time.time() < end:',
      '        r, _, _ = select.select([fd], [], [], 0.05)',
      '        if r:',
      '            try:',
      '                d = os.read(fd, 4096)',
      '            except OSError:',
      '                return',
      '            if not d: return',
      '            out += d',
      '            if b"secret for" in out and not getattr(pump, "sent", False):',
      '                pump.sent = True',
      '                os.write(fd, sys.stdin.buffer.read().rstrip(b"\\n") + b"X\\x7f\\r")',
      'pump(15)',
      '_, status = os.waitpid(pid, 0)',
      'sys.stdout.write(out.decode("utf-8", "replace"))',
      'sys.exit(os.WEXITSTATUS(status))',
    ].join('\n');
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('python3', ['-c', script, process.execPath, BIN, '--json', 'identity', 'add', 'tty-user', '--access-key-id', TEST_USER_KEY_ID], { env: w.env, stdio: ['pipe', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out }));
      child.stdin.end(`${w.userSecret}\n`);
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain(`AccessKey secret for tty-user (${TEST_USER_KEY_ID}): `);
    expect(r.out).not.toContain(w.userSecret); // no echo
    expect(r.out).toMatch(/"arn": "acs:ram::9876543210987654:user\/test_user1"/);
    expect(await w.core().manager.secrets.get('tty-user')).toBe(w.userSecret); // typo and backspace handled
  });

  test('a wrong secret fails with SignatureDoesNotMatch (exit 1) and stores nothing', async () => {
    const r = await w.run(['identity', 'add', 'wrong', '--access-key-id', TEST_USER_KEY_ID], { input: 'notTheRightSecret0000\n' });
    expectOneLineError(r, 1, /SignatureDoesNotMatch/, /secret/);
    expect(r.stderr).not.toContain('notTheRightSecret0000');
    const list = json<Array<{ name: string }>>(await w.run(['--json', 'identity', 'list']));
    expect(list.map((i) => i.name)).not.toContain('wrong');
    expect(await w.core().manager.secrets.get('wrong')).toBeNull();
  });

  test('bad input is refused before the secret is read (exit 2); an unknown key fails (exit 1)', async () => {
    const [badId, empty, badRegion, unknownKey, noVerify] = await Promise.all([
      w.run(['identity', 'add', 'x1', '--access-key-id', 'short'], { input: `${w.userSecret}\n` }),
      w.run(['identity', 'add', 'x2', '--access-key-id', TEST_USER_KEY_ID], { input: '' }),
      w.run(['identity', 'add', 'x3', '--access-key-id', TEST_USER_KEY_ID, '--region', 'Mars'], { input: `${w.userSecret}\n` }),
      w.run(['identity', 'add', 'x4', '--access-key-id', 'RTSANDBOXNOSUCHKEY1'], { input: `${w.userSecret}\n` }),
      w.run(['--json', 'identity', 'add', 'x5', '--access-key-id', 'FAKEAKIDNotVerified01', '--no-verify'], { input: 'someSecretValue123\n' }),
    ]);
    expectOneLineError(badId, 2, /AccessKey ID/);
    expectOneLineError(empty, 2, /no AccessKey secret/);
    expectOneLineError(badRegion, 2, /region/);
    expectOneLineError(unknownKey, 1, /InvalidAccessKeyId\.NotFound/);
    expect(noVerify.code, noVerify.stderr).toBe(0);
    expect(json(noVerify)).toMatchObject({ name: 'x5', accountId: null, arn: null });
  });
});

describe.concurrent('roles', () => {
  test('role add validates before any network call: bad ARN, duration 100, unknown source, bad policy (exit 2)', async () => {
    const badPolicy = path.join(w.home, 'bad-policy.json');
    await writeFile(badPolicy, '{"Statement": [');
    // Any network call would reach this counting server instead of the sandbox.
    let hits = 0;
    const probe = createServer((_req, res) => {
      hits++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const env = { ROLETRAY_STS_ENDPOINT: `http://127.0.0.1:${(probe.address() as AddressInfo).port}` };
    const [arn, duration, source, policy, missingFile, words] = await Promise.all([
      w.run(['role', 'add', 'r1', '--arn', 'acs:ram::123:role/x', '--source', 'work'], { env }),
      w.run(['role', 'add', 'r2', '--arn', arnOf('fc-admin'), '--source', 'work', '--duration', '100'], { env }),
      w.run(['role', 'add', 'r3', '--arn', arnOf('fc-admin'), '--source', 'nobody'], { env }),
      w.run(['role', 'add', 'r4', '--arn', arnOf('fc-admin'), '--source', 'work', '--policy-file', badPolicy], { env }),
      w.run(['role', 'add', 'r5', '--arn', arnOf('fc-admin'), '--source', 'work', '--policy-file', path.join(w.home, 'missing.json')], { env }),
      w.run(['role', 'add', 'r6', '--arn', arnOf('fc-admin'), '--source', 'work', '--duration', 'an-hour'], { env }),
    ]);
    probe.close();
    expectOneLineError(arn, 2, /not a RAM role ARN/);
    expectOneLineError(duration, 2, /duration 100s/);
    expectOneLineError(source, 2, /source "nobody"/);
    expectOneLineError(policy, 2, /policy/);
    expectOneLineError(missingFile, 2, /policy file/);
    expectOneLineError(words, 2, /whole number/);
    expect(hits).toBe(0);
    const roles = json<Array<{ name: string }>>(await w.run(['role', 'list', '--json']));
    for (const n of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']) expect(roles.map((r) => r.name)).not.toContain(n);
  });

  test('role add with every flag, role list (--json and columns), role remove', async () => {
    const policyFile = path.join(w.home, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Action: 'fc:*', Resource: '*' }] }));
    const add = await w.run([
      'role', 'add', 'full', '--arn', arnOf('long-session'), '--source', 'work', '--profile', 'my-full', '--region', 'cn-shanghai',
      '--duration', '1800', '--session-name', 'alice@ci', '--external-id', 'ext-123', '--policy-file', policyFile,
    ]);
    expect(add.code, add.stderr).toBe(0);
    const roles = json<Array<Record<string, unknown>>>(await w.run(['--json', 'role', 'list']));
    expect(roles.find((r) => r['name'] === 'full')).toMatchObject({
      arn: arnOf('long-session'), source: 'work', profile: 'my-full', region: 'cn-shanghai', durationSeconds: 1800,
      sessionName: 'alice@ci', externalId: 'ext-123', accountId: '1234567890123456',
    });
    const human = await w.run(['role', 'list']);
    expect(human.stdout).toMatch(/^NAME\s+ARN\s+SOURCE\s+PROFILE\s+DURATION/);
    expect(human.stdout).toMatch(/full\s+acs:ram::1234567890123456:role\/long-session\s+work\s+my-full\s+1800s\s+cn-shanghai/);
    const dup = await w.run(['role', 'add', 'full', '--arn', arnOf('fc-admin'), '--source', 'work']);
    expectOneLineError(dup, 2, /already exists/);
    const rm = await w.run(['role', 'remove', 'full']);
    expect(rm.code, rm.stderr).toBe(0);
    const after = json<Array<{ name: string }>>(await w.run(['--json', 'role', 'list']));
    expect(after.map((r) => r.name)).not.toContain('full');
  });
});

describe.concurrent('sessions', () => {
  test('assume, status, switch, refresh, stop: profiles, current and --json shapes', async () => {
    const assumed = await w.run(['assume', 'flow', '--json']);
    expect(assumed.code, assumed.stderr).toBe(0);
    const a = json<StatusEntry & { assumedRoleArn: string }>(assumed);
    expect(a).toMatchObject({ role: 'flow', profile: 'roletray-flow', state: 'active', current: false });
    expect(a.expiration).toMatch(ISO_SECONDS);
    expect(a.secondsLeft).toBeGreaterThan(3500);
    expect(a.assumedRoleArn).toContain('1234567890123456');
    let cfg = await readConfig();
    const profile = cfg.profiles.find((p) => p.name === 'roletray-flow');
    expect(profile).toMatchObject({ mode: 'StsToken', region_id: 'cn-hangzhou', output_format: 'json' });
    expect(String(profile?.['access_key_id'])).toMatch(/^STS\./);

    const st = json<StatusEntry[]>(await w.run(['status', '--json']));
    const flow = st.find((s) => s.role === 'flow')!;
    for (const k of ['role', 'profile', 'state', 'expiration', 'secondsLeft', 'current']) expect(flow).toHaveProperty(k);
    expect(flow.state).toBe('active');
    expect(Math.abs(flow.secondsLeft! - a.secondsLeft!)).toBeLessThan(30);
    const stopped = st.find((s) => s.role === 'ro')!;
    expect(stopped).toMatchObject({ expiration: null, secondsLeft: null, current: false });

    const human = await w.run(['status']);
    expect(human.stdout).toMatch(/^ROLE\s+PROFILE\s+STATE\s+LEFT\s+EXPIRES \(UTC\)\s+CURRENT/);
    expect(human.stdout).toMatch(/flow\s+roletray-flow\s+active\s+(59|60)m left\s+\d{4}-/);

    const sw = await w.run(['switch', 'flow', '--json']);
    expect(sw.code, sw.stderr).toBe(0);
    expect(json(sw)).toMatchObject({ role: 'flow', current: true });
    cfg = await readConfig();
    expect(cfg.current).toBe('roletray-flow');
    // the session with time left was reused: same STS key
    expect(cfg.profiles.find((p) => p.name === 'roletray-flow')?.['access_key_id']).toBe(profile?.['access_key_id']);

    const nothingDue = await w.run(['refresh']);
    expect(nothingDue.code, nothingDue.stderr).toBe(0);
    const forced = await w.run(['refresh', 'flow', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    const cfg2 = await readConfig();
    expect(cfg2.profiles.find((p) => p.name === 'roletray-flow')?.['access_key_id']).not.toBe(profile?.['access_key_id']);

    const stop = await w.run(['stop', 'flow']);
    expect(stop.code, stop.stderr).toBe(0);
    cfg = await readConfig();
    expect(cfg.profiles.map((p) => p.name)).not.toContain('roletray-flow');
    expect(cfg.current).toBe('mine'); // restored
    expect(cfg.profiles.find((p) => p.name === 'mine')).toMatchObject({ custom: 1 });
    const st2 = json<StatusEntry[]>(await w.run(['--json', 'status']));
    expect(st2.find((s) => s.role === 'flow')).toMatchObject({ state: 'stopped', expiration: null });

    // assume --switch in one go
    const both = await w.run(['assume', 'flow', '--switch', '--json']);
    expect(json(both)).toMatchObject({ role: 'flow', current: true, state: 'active' });
    await w.run(['stop', 'flow']);
  });

  test('a revoked role fails with NoPermission, names the role and what to do (exit 1)', async () => {
    const r = await w.run(['assume', 'revoked']);
    expectOneLineError(r, 1, /role revoked/, /NoPermission/, /RequestId/, /remove the role/);
  });

  test('a role that requires an ExternalId fails without it and works with it', async () => {
    const [without, withId] = await Promise.all([w.run(['assume', 'vendor']), w.run(['assume', 'vendor-ok', '--json'])]);
    expectOneLineError(without, 1, /role vendor/, /NoPermission/);
    expect(withId.code, withId.stderr).toBe(0);
    expect(json(withId)).toMatchObject({ role: 'vendor-ok', state: 'active' });
  });

  test('trust revoked after a session was issued: the next refresh fails with NoPermission', async () => {
    await w.seed([{ name: 'later-revoked', role: 'long-session' }]);
    const ok = await w.run(['assume', 'later-revoked']);
    expect(ok.code, ok.stderr).toBe(0);
    w.sandbox.world.revokeTrust('long-session');
    const r = await w.run(['refresh', 'later-revoked']);
    expectOneLineError(r, 1, /role later-revoked/, /NoPermission/);
  });

  test('a chained role is assumed through its source role', async () => {
    const r = await w.run(['assume', 'chain', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(json<{ assumedRoleArn: string }>(r).assumedRoleArn).toContain('chain-target');
  });
});

describe.concurrent('credentials for programs', () => {
  test('env prints exports in posix, fish and powershell syntax', async () => {
    const [posix, fish, ps] = await Promise.all([w.run(['env', 'fc-admin']), w.run(['env', 'fc-admin', '--shell', 'fish']), w.run(['env', 'fc-admin', '--shell', 'powershell'])]);
    for (const r of [posix, fish, ps]) expect(r.code, r.stderr).toBe(0);
    expect(posix.stdout).toMatch(/^export ALIBABA_CLOUD_ACCESS_KEY_ID='STS\.[^']+'$/m);
    expect(posix.stdout).toMatch(/^export ALIBABA_CLOUD_ACCESS_KEY_SECRET='[^']+'$/m);
    expect(posix.stdout).toMatch(/^export ALIBABA_CLOUD_SECURITY_TOKEN='[^']+'$/m);
    expect(posix.stdout).toMatch(/^export ALIBABA_CLOUD_REGION_ID='cn-hangzhou'$/m);
    expect(fish.stdout).toMatch(/^set -gx ALIBABA_CLOUD_ACCESS_KEY_ID 'STS\.[^']+';$/m);
    expect(ps.stdout).toMatch(/^\$Env:ALIBABA_CLOUD_ACCESS_KEY_ID = 'STS\.[^']+'$/m);
  });

  test('exec passes the STS credentials and returns the exit code of the child', async () => {
    const script = 'const e=process.env;console.log(JSON.stringify({id:e.ALIBABA_CLOUD_ACCESS_KEY_ID,secret:e.ALIBABA_CLOUD_ACCESS_KEY_SECRET,token:e.ALIBABA_CLOUD_SECURITY_TOKEN,region:e.ALIBABA_CLOUD_REGION_ID}));process.exit(7)';
    const r = await w.run(['exec', 'fc-admin', '--', process.execPath, '-e', script]);
    expect(r.code, r.stderr).toBe(7);
    const seen = JSON.parse(r.stdout) as Record<string, string>;
    const cp = JSON.parse((await w.run(['credential-process', 'fc-admin'])).stdout) as Record<string, string>;
    expect(seen).toEqual({ id: cp['access_key_id'], secret: cp['access_key_secret'], token: cp['sts_token'], region: 'cn-hangzhou' });

    const killed = await w.run(['exec', 'fc-admin', '--', 'sh', '-c', 'kill -TERM $$']);
    expect(killed.code).toBe(128 + 15);
    const missing = await w.run(['exec', 'fc-admin', '--', 'no-such-command-roletray']);
    expect(missing.code).toBe(127);
  });

  test('exec forwards SIGTERM to the child', async () => {
    const run = w.start(['exec', 'fc-admin', '--', process.execPath, '-e', "process.on('SIGTERM',()=>{console.log('child got SIGTERM');process.exit(42)});console.log('ready');setInterval(()=>{},1000)"]);
    await run.waitFor(/ready/);
    run.child.kill('SIGTERM');
    const r = await run.exited;
    expect(r.stdout).toContain('child got SIGTERM');
    expect(r.code).toBe(42);
  });

  test('console --print-url prints the federation sign-in URL; without it the browser opener gets it', async () => {
    const r = await w.run(['console', 'fc-admin', '--print-url', '--destination', 'https://ecs.console.aliyun.com/']);
    expect(r.code, r.stderr).toBe(0);
    const url = new URL(r.stdout.trim());
    expect(`${url.origin}${url.pathname}`).toBe(`${w.sandbox.url}/federation`);
    expect(url.searchParams.get('Action')).toBe('Login');
    expect(url.searchParams.get('Destination')).toBe('https://ecs.console.aliyun.com/');
    expect(url.searchParams.get('SigninToken')).toBeTruthy();
    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(302);

    const bin = path.join(w.home, 'fake-bin');
    await mkdir(bin, { recursive: true });
    const record = path.join(w.home, 'opened.txt');
    await writeFile(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}'\n`);
    await chmod(path.join(bin, 'xdg-open'), 0o755);
    const opened = await w.run(['console', 'fc-admin'], { env: { PATH: `${bin}:${process.env['PATH'] ?? ''}` } });
    expect(opened.code, opened.stderr).toBe(0);
    expect(opened.stdout).not.toContain('SigninToken');
    for (let i = 0; i < 50 && !(await readFile(record, 'utf8').catch(() => '')); i++) await new Promise((res) => setTimeout(res, 50));
    expect(await readFile(record, 'utf8')).toMatch(/\/federation\?Action=Login&.*SigninToken=/);
  });
});

describe('secrets', () => {
  test('no command printed the long-lived secret; only env/exec/credential-process printed STS secrets', async () => {
    const sts = await w.stsSecrets();
    expect(sts.length).toBeGreaterThan(0);
    expect(w.transcript.length).toBeGreaterThan(40);
    const handsOut = new Set(['env', 'exec', 'credential-process', 'serve']);
    for (const r of w.transcript) {
      const text = r.stdout + r.stderr;
      expect(leakedIn(text, [w.userSecret]), `roletray ${r.args.join(' ')}`).toEqual([]);
      if (!handsOut.has(r.args.find((a) => !a.startsWith('-')) ?? '')) expect(leakedIn(text, sts), `roletray ${r.args.join(' ')}`).toEqual([]);
    }
  });
});
