/**
 * Harness for the CLI tests: builds the real CLI once (shared by all test files, under a lock),
 * runs `node bin/roletray.mjs ...` as a subprocess against the sandbox STS, with the REAL
 * keychain under a per-world service name and temp HOME / ROLETRAY_HOME / CLI config, and keeps
 * a transcript of every run so a test can check that no secret leaked into any output.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import lockfile from 'proper-lockfile';
import type { Core } from '../../main/core/index';
import { createCore } from '../../main/core/index';
import { KeytarSecretStore } from '../../main/core/secret-store';
import type { SandboxHandle, SandboxOptions } from '../../main/sandbox/index';
import { ACCOUNT_A, roleArn, startSandbox, TEST_USER_KEY_ID } from '../../main/sandbox/index';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'roletray.mjs');
export const arnOf = (role: string): string => roleArn(ACCOUNT_A, role);
export { TEST_USER_KEY_ID };

const execFileP = promisify(execFile);

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, (await stat(p)).mtimeMs);
  }
  return newest;
}

/**
 * Build dist/cli once for all test files: under a lock, and only when a source is newer than the
 * last build (rebuilding while another file's CLI processes load the chunks could break them).
 */
export async function ensureCliBuilt(): Promise<void> {
  const distDir = path.join(ROOT, 'dist');
  await mkdir(distDir, { recursive: true });
  const stamp = path.join(distDir, '.cli-test-build');
  const release = await lockfile.lock(distDir, { lockfilePath: path.join(distDir, '.cli-test-build.lock'), stale: 60_000, retries: { retries: 600, minTimeout: 50, maxTimeout: 200 } });
  try {
    const sources = Math.max(await newestMtime(path.join(ROOT, 'main')), (await stat(path.join(ROOT, 'scripts', 'build.mjs'))).mtimeMs);
    const built = await stat(stamp).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    // `npm test` builds before the tests run: a bundle newer than every source counts as built
    const entry = await stat(path.join(distDir, 'cli', 'roletray.mjs')).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if (entry === 0 || Math.max(built, entry) <= sources) {
      await execFileP(process.execPath, ['scripts/build.mjs', 'cli'], { cwd: ROOT });
      await writeFile(stamp, new Date().toISOString());
    }
  } finally {
    await release();
  }
}

export interface CliResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, then stdin is closed. Default: stdin closed at once (not a TTY). */
  input?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  cwd?: string;
}

export interface CliWorld {
  sandbox: SandboxHandle;
  env: NodeJS.ProcessEnv;
  home: string;
  dataDir: string;
  cliConfigFile: string;
  service: string;
  userSecret: string;
  /** Every run of this world, in completion order. */
  transcript: CliResult[];
  run(args: string[], opts?: RunOptions): Promise<CliResult>;
  /** Start a long-running command (serve, sandbox); output accumulates in the returned object. */
  start(args: string[], opts?: RunOptions): Running;
  /** The core over this world's files (the "app" side of the tests); created on first use. */
  core(): Core;
  /** Add the test user as identity `name` and the given roles, through the core (fast setup). */
  seed(roles: Array<{ name: string; role?: string; source?: string; externalId?: string; durationSeconds?: number }>, identity?: string): Promise<void>;
  /** Every STS secret issued to this world so far (from the keychain cache and the CLI config). */
  stsSecrets(): Promise<string[]>;
  cleanup(): Promise<void>;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `re` (or rejects after the timeout). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<CliResult>;
}

export function randomSecret(): string {
  return `rtCliSecret${randomBytes(12).toString('hex')}`;
}

/** Run node bin/roletray.mjs with args in env. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, opts: RunOptions = {}): Promise<CliResult> {
  const r = startCli(args, env, opts);
  return r.exited;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv, opts: RunOptions = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...env, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    for (const w of [...waiters]) w();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  child.stdin.on('error', () => undefined);
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else child.stdin.end();
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const exited = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`roletray ${args.join(' ')} timed out after ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      for (const w of [...waiters]) w();
      resolve({ args, code, signal, stdout, stderr });
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitFor(re, ms = 10_000) {
      return new Promise((resolve, reject) => {
        let done = false;
        const check = (): void => {
          if (done) return;
          const m = re.exec(stdout);
          if (m) {
            done = true;
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done = true;
            clearTimeout(timer);
            reject(new Error(`exited before printing ${re}: stdout ${stdout} stderr ${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          if (done) return;
          done = true;
          reject(new Error(`timed out waiting for ${re}: stdout ${stdout} stderr ${stderr}`));
        }, ms);
        waiters.push(check);
        check();
      });
    },
  };
}

/**
 * Wait until the keychain stores and returns a value: right after gnome-keyring-daemon starts,
 * writes are silently dropped for a moment (the test command starts the daemon just before vitest).
 */
let keychainReady: Promise<void> | undefined;

export function waitForKeychain(service: string, timeoutMs = 15_000): Promise<void> {
  keychainReady ??= probeKeychain(service, timeoutMs);
  return keychainReady;
}

async function probeKeychain(service: string, timeoutMs: number): Promise<void> {
  const store = new KeytarSecretStore(service);
  const account = `ready-probe-${randomBytes(4).toString('hex')}`;
  const value = randomBytes(8).toString('hex');
  const until = Date.now() + timeoutMs;
  // another process (the CLI) must see what this one wrote
  const readInChild = `require('keytar').getPassword(${JSON.stringify(service)}, ${JSON.stringify(account)}).then((v) => process.stdout.write(String(v)))`;
  for (;;) {
    await store.set(account, value).catch(() => undefined);
    const back = await store.get(account).catch(() => null);
    const child = back === value ? (await execFileP(process.execPath, ['-e', readInChild], { cwd: ROOT }).catch(() => ({ stdout: '' }))).stdout : '';
    await store.delete(account).catch(() => false);
    if (child === value) return;
    if (Date.now() > until) throw new Error('the keychain does not keep what is written (is an unlocked gnome-keyring running in this D-Bus session?)');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A temp HOME with its own data dir, CLI config, keychain service and sandbox STS. */
export async function startCliWorld(opts: { sandbox?: SandboxOptions } = {}): Promise<CliWorld> {
  const userSecret = opts.sandbox?.userSecret ?? randomSecret();
  const sandbox = await startSandbox({ ...opts.sandbox, userSecret });
  const home = await mkdtemp(path.join(os.tmpdir(), 'roletray-cli-'));
  const dataDir = path.join(home, 'data');
  const cliConfigFile = path.join(home, '.aliyun', 'config.json');
  const service = `roletray-cli-test-${randomBytes(6).toString('hex')}`;
  await waitForKeychain(service);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    ROLETRAY_HOME: dataDir,
    ROLETRAY_CLI_CONFIG: cliConfigFile,
    ROLETRAY_KEYCHAIN_SERVICE: service,
    ROLETRAY_STS_ENDPOINT: sandbox.url,
  };
  // Never let the developer's own credentials leak into the children.
  for (const k of Object.keys(env)) if (/^(ALIBABA_?CLOUD|ALICLOUD)_/.test(k) || k === 'ROLETRAY_DEBUG') delete env[k];
  const transcript: CliResult[] = [];
  const running: Running[] = [];
  let core: Core | undefined;
  const world: CliWorld = {
    sandbox,
    env,
    home,
    dataDir,
    cliConfigFile,
    service,
    userSecret,
    transcript,
    async run(args, runOpts) {
      const r = await runCli(args, env, runOpts);
      transcript.push(r);
      return r;
    },
    start(args, runOpts) {
      const r = startCli(args, env, runOpts);
      running.push(r);
      void r.exited.then(
        (res) => transcript.push(res),
        () => undefined,
      );
      return r;
    },
    core() {
      core ??= createCore({ env });
      return core;
    },
    async seed(roles, identity = 'work') {
      const m = world.core().manager;
      const cat = await m.catalog();
      if (!cat.identities.some((i) => i.name === identity)) await m.addIdentity({ name: identity, accessKeyId: TEST_USER_KEY_ID, secret: userSecret, verify: false });
      for (const r of roles) {
        await m.addRole({ name: r.name, arn: arnOf(r.role ?? r.name), source: r.source ?? identity, externalId: r.externalId, durationSeconds: r.durationSeconds });
      }
    },
    async stsSecrets() {
      const out = new Set<string>();
      const store = new KeytarSecretStore(service);
      for (const account of await store.list().catch(() => [] as string[])) {
        if (!account.startsWith('session:')) continue;
        const text = await store.get(account);
        if (!text) continue;
        const c = JSON.parse(text) as { creds: { accessKeySecret: string; securityToken: string } };
        out.add(c.creds.accessKeySecret);
        out.add(c.creds.securityToken);
      }
      const cfg = await readFile(cliConfigFile, 'utf8').catch(() => '');
      for (const m of cfg.matchAll(/"(?:access_key_secret|sts_token)":\s*"([^"]+)"/g)) if (m[1] && m[1] !== userSecret) out.add(m[1]);
      return [...out];
    },
    async cleanup() {
      for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      await core?.writer.flush();
      await sandbox.close();
      for (const svc of [service, `${service}-sandbox`]) {
        const store = new KeytarSecretStore(svc);
        for (const account of await store.list().catch(() => [] as string[])) await store.delete(account).catch(() => false);
      }
      await rm(home, { recursive: true, force: true });
    },
  };
  return world;
}

/** Assert helper: which of `secrets` occur in the text (for a readable failure). */
export function leakedIn(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length >= 6 && text.includes(s));
}

/** Parse stdout as JSON, failing with the whole output in the message. */
export function json<T = unknown>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout of roletray ${r.args.join(' ')} is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** Run node code (ESM) in a child process with the given env; resolves stdout (rejects on non-zero exit). */
export async function runNodeScript(code: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<string> {
  const { stdout } = await execFileP(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, env, timeout: timeoutMs });
  return stdout;
}
