/**
 * Keychain unavailable or locked: a clear error naming the keychain, a non-zero exit with one
 * stderr line from the CLI, and nothing written in plaintext anywhere.
 *
 * - unavailable: no Secret Service on the bus (DBUS_SESSION_BUS_ADDRESS points at nothing), through
 *   the built CLI (the core's case is test/integration/keychain-unavailable.test.ts);
 * - locked: a nested D-Bus session with its own gnome-keyring over a temp XDG_DATA_HOME; the keys
 *   are stored while it is unlocked, then the login collection is locked over D-Bus
 *   (org.freedesktop.Secret.Service.Lock) and RoleTray is used again, in process (core) and
 *   through the CLI. No prompt can be shown here (no display), so an unlock request fails.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli-config-fixtures';
import { CLI, bundle, filesContaining, longLivedSecret, runCli } from '../helpers/reliability-env';

const exec = promisify(execFile);
const secret = longLivedSecret();
let child: { file: string; remove(): void };
let dir: string;

function hasCommand(cmd: string): boolean {
  return (process.env['PATH'] ?? '').split(path.delimiter).some((d) => d && fs.existsSync(path.join(d, cmd)));
}
const canLock = process.platform === 'linux' && hasCommand('dbus-run-session') && hasCommand('gnome-keyring-daemon') && hasCommand('gdbus');

beforeAll(() => {
  child = bundle('test/helpers/reliability-child.ts', 'child');
  dir = tempDir('roletray-rel-keychain-');
});
afterAll(() => {
  child?.remove();
  fs.rmSync(dir, { recursive: true, force: true });
});

function expectNoPlaintext(root: string, outputs: string[]): void {
  expect(filesContaining(root, [secret])).toEqual([]);
  for (const o of outputs) expect(o).not.toContain(secret);
}

describe('keychain unavailable (no Secret Service)', () => {
  it('the CLI says the OS keychain is unavailable, exits 1 with one line, and writes the key nowhere', async () => {
    const home = path.join(dir, 'unavailable');
    fs.mkdirSync(home, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: home,
      ROLETRAY_HOME: path.join(home, 'data'),
      ROLETRAY_CLI_CONFIG: path.join(home, '.aliyun', 'config.json'),
      ROLETRAY_KEYCHAIN_SERVICE: 'roletray-rel-nokeychain',
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(home, 'no-such-bus')}`,
    };
    const add = await runCli(['identity', 'add', 'me', '--access-key-id', 'RTSANDBOX0USER0001', '--no-verify'], env, `${secret}\n`);
    expect(add.code).toBe(1);
    expect(add.stderr.trim().split('\n')).toHaveLength(1);
    expect(add.stderr).toMatch(/^roletray: .*keychain.*not available/i);
    expect(add.stderr).toMatch(/never stores keys in plaintext/);
    expect(add.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(path.join(home, 'data', 'catalog.json')) && fs.readFileSync(path.join(home, 'data', 'catalog.json'), 'utf8').includes('"me"')).toBe(false);
    const list = await runCli(['identity', 'list'], env);
    expect([0, 1]).toContain(list.code);
    expect(list.stderr).not.toMatch(/^\s+at /m);
    expectNoPlaintext(home, [add.stdout, add.stderr, list.stdout, list.stderr]);
  });
});

describe.runIf(canLock)('keychain locked', () => {
  interface Outcome {
    code: number;
    lines: string[];
    err: string;
  }
  let home: string;
  let out: string;
  const read = (name: string): Outcome => ({
    code: Number(fs.readFileSync(path.join(out, `${name}.code`), 'utf8').trim()),
    lines: fs.readFileSync(path.join(out, `${name}.json`), 'utf8').split('\n').filter(Boolean),
    err: fs.readFileSync(path.join(out, `${name}.err`), 'utf8'),
  });
  const steps = (name: string) => read(name).lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const step = (name: string, s: string) => steps(name).find((x) => x['step'] === s);

  beforeAll(async () => {
    home = path.join(dir, 'locked');
    const dataHome = path.join(home, '.local', 'share');
    fs.mkdirSync(dataHome, { recursive: true });
    out = path.join(home, 'out');
    fs.mkdirSync(out);
    const probe = (list: string[], name: string) => `node ${JSON.stringify(child.file)} '${JSON.stringify({ mode: 'probe', steps: list })}' > ${out}/${name}.json 2>${out}/${name}.err; echo $? > ${out}/${name}.code`;
    const cli = (args: string, name: string, stdin = '/dev/null') => `node ${JSON.stringify(CLI)} ${args} < ${stdin} > ${out}/${name}.json 2>${out}/${name}.err; echo $? > ${out}/${name}.code`;
    const lock = `gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets --method org.freedesktop.Secret.Service.Lock "[objectpath '/org/freedesktop/secrets/collection/login']" > ${out}/lock.txt 2>&1`;
    const locked = `gdbus introspect --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets/collection/login --only-properties | grep -c 'Locked = true' > ${out}/locked.txt`;
    const secretFile = path.join(home, 'secret-stdin.txt');
    fs.writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
    const script = [
      'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
      probe(['addIdentity', 'addRole'], 'setup'),
      lock,
      locked,
      probe(['addOther', 'assume', 'status'], 'core'),
      probe(['list'], 'core-list'),
      cli('identity add other --access-key-id RTSANDBOX0USER0001 --no-verify', 'cli-add', secretFile),
      cli('assume fc', 'cli-assume'),
      cli('credential-process fc', 'cli-credential-process'),
      cli('identity list', 'cli-list'),
    ].join('\n');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: home,
      XDG_DATA_HOME: dataHome,
      ROLETRAY_HOME: path.join(home, 'data'),
      ROLETRAY_CLI_CONFIG: path.join(home, '.aliyun', 'config.json'),
      ROLETRAY_KEYCHAIN_SERVICE: 'roletray-rel-locked',
      ROLETRAY_STS_ENDPOINT: 'http://127.0.0.1:9',
      ROLETRAY_TEST_SECRET: secret,
    };
    try {
      await exec('dbus-run-session', ['--', 'sh', '-c', script], { env, timeout: 45_000 });
    } finally {
      fs.rmSync(secretFile, { force: true });
    }
    if (process.env['ROLETRAY_RELIABILITY_VERBOSE']) {
      const all = Object.fromEntries(['core', 'core-list', 'cli-add', 'cli-assume', 'cli-credential-process', 'cli-list'].map((n) => [n, read(n)]));
      console.info('locked keychain', JSON.stringify(all, null, 1));
    }
  }, 60_000);

  it('the keys were stored while unlocked, then the collection was really locked', () => {
    expect(steps('setup').filter((s) => s['step'])).toEqual([
      { step: 'addIdentity', ok: true, value: null },
      { step: 'addRole', ok: true, value: null },
    ]);
    expect(fs.readFileSync(path.join(out, 'locked.txt'), 'utf8').trim()).toBe('1');
  });

  it('adding a key: a keychain error that says locked, with the no-plaintext hint (core and CLI)', () => {
    const add = step('core', 'addOther');
    expect(add).toMatchObject({ ok: false, code: 'keychain' });
    expect(String(add?.['message'])).toMatch(/locked/i);
    expect(String(add?.['hint'])).toMatch(/never stores keys in plaintext/);
    const cli = read('cli-add');
    expect(cli.code).toBe(1);
    expect(cli.err.trim().split('\n')).toHaveLength(1);
    expect(cli.err).toMatch(/^roletray: .*keychain.*locked/i);
  });

  it('assuming with a stored key: a keychain error that says locked, not "no secret, add it again" (core and CLI)', () => {
    const assume = step('core', 'assume');
    expect(assume).toMatchObject({ ok: false, code: 'keychain' });
    expect(String(assume?.['message'])).toMatch(/locked/i);
    const cli = read('cli-assume');
    expect(cli.code).toBe(1);
    expect(cli.err.trim().split('\n')).toHaveLength(1);
    expect(cli.err).toMatch(/locked/i);
  });

  it('credential-process: exit 1 with one line, never a stack or a crash', () => {
    const cli = read('cli-credential-process');
    expect(cli.code).toBe(1);
    expect(cli.err.trim().split('\n')).toHaveLength(1);
    expect(cli.err).toMatch(/^roletray: /);
    expect(cli.lines).toEqual([]);
  });

  it('listing identities or keychain entries while locked never crashes the process (core and CLI)', () => {
    const core = read('core-list');
    expect(core.code, `core list: ${core.err.trim()}`).toBe(0);
    const cli = read('cli-list');
    expect([0, 1], `roletray identity list: exit ${cli.code}: ${cli.err.trim()}`).toContain(cli.code);
    if (cli.code === 1) expect(cli.err.trim().split('\n')).toHaveLength(1);
  });

  it('nothing holds the key in plaintext: no file RoleTray wrote, no output', () => {
    const outputs = fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    expectNoPlaintext(path.join(home, 'data'), outputs);
    expectNoPlaintext(path.join(home, '.aliyun'), []);
    for (const o of outputs) expect(o).not.toMatch(/^\s+at /m);
  });
});
