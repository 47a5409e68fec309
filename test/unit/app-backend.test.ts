/**
 * The IPC backend as the window (and the tray) reach it, through backend.invoke:
 * - bad input is refused by the schemas with a clear error and changes nothing;
 * - no response and no pushed snapshot ever contains a long-lived secret or STS credentials,
 *   across every channel of the contract (in-memory secret store + the sandbox STS).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiBackend } from '../../main/core/api-backend';
import { createApiBackend } from '../../main/core/api-backend';
import type { Core } from '../../main/core/index';
import { createCore } from '../../main/core/index';
import { MemorySecretStore } from '../../main/core/secret-store';
import type { SandboxHandle } from '../../main/sandbox/index';
import { ACCOUNT_A, startSandbox, TEST_USER_KEY_ID } from '../../main/sandbox/index';
import type { AppSnapshot, Channel } from '../../preload/contract';
import { CHANNELS } from '../../preload/contract';

interface World {
  home: string;
  core: Core;
  secrets: MemorySecretStore;
  backend: ApiBackend;
  sandbox: SandboxHandle;
  userSecret: string;
  opened: string[];
  clipboard: string[];
  pushed: AppSnapshot[];
}

let w: World;
let savedEndpoint: string | undefined;

beforeEach(async () => {
  const userSecret = `rtAppTest${randomBytes(12).toString('hex')}`;
  const sandbox = await startSandbox({ userSecret });
  const home = await mkdtemp(path.join(os.tmpdir(), 'roletray-app-'));
  const env: NodeJS.ProcessEnv = {
    HOME: home,
    ROLETRAY_HOME: path.join(home, 'data'),
    ROLETRAY_CLI_CONFIG: path.join(home, '.aliyun', 'config.json'),
    ROLETRAY_STS_ENDPOINT: sandbox.url,
    ROLETRAY_KEYCHAIN_SERVICE: 'unused-memory-store',
  };
  // The backend's open-console reads process.env for the endpoint override (consoleSigninUrl's
  // default), not the core's env: set it for this process too, restored in afterEach.
  savedEndpoint = process.env['ROLETRAY_STS_ENDPOINT'];
  process.env['ROLETRAY_STS_ENDPOINT'] = sandbox.url;
  const secrets = new MemorySecretStore();
  const core = createCore({ env, secrets });
  const opened: string[] = [];
  const clipboard: string[] = [];
  const backend = createApiBackend(core, {
    openExternal: async (u) => void opened.push(u),
    writeClipboard: async (t) => void clipboard.push(t),
    startSandbox: async () => ({ url: sandbox.url }),
  });
  const pushed: AppSnapshot[] = [];
  backend.onSnapshot((s) => pushed.push(s));
  w = { home, core, secrets, backend, sandbox, userSecret, opened, clipboard, pushed };
});

afterEach(async () => {
  if (savedEndpoint === undefined) delete process.env['ROLETRAY_STS_ENDPOINT'];
  else process.env['ROLETRAY_STS_ENDPOINT'] = savedEndpoint;
  w.backend.dispose();
  await w.sandbox.close();
  await rm(w.home, { recursive: true, force: true });
});

const identity = (over: Record<string, unknown> = {}) => ({ name: 'me', accessKeyId: TEST_USER_KEY_ID, secret: w.userSecret, site: 'cn', region: 'cn-shanghai', ...over });
/** A well-formed identity form for the table rows (built before any test world exists; never sent to STS). */
const FORM = { name: 'other', accessKeyId: TEST_USER_KEY_ID, secret: 'placeholderSecret123', site: 'cn', region: 'cn-shanghai' };
const roleInput = (over: Record<string, unknown> = {}) => ({ name: 'fc-admin', arn: `acs:ram::${ACCOUNT_A}:role/fc-admin`, source: 'me', ...over });

async function ok(channel: Channel, ...args: unknown[]): Promise<unknown> {
  const r = (await w.backend.invoke(channel, args)) as { ok: boolean; value?: unknown; error?: unknown };
  expect(r, `${channel} failed: ${JSON.stringify(r)}`).toMatchObject({ ok: true });
  return r.value;
}

async function catalogText(): Promise<string> {
  return readFile(path.join(w.home, 'data', 'catalog.json'), 'utf8').catch(() => '');
}

describe('schema validation through backend.invoke', () => {
  it('refuses an unknown channel', async () => {
    const r = await w.backend.invoke('roletray:delete-everything' as Channel, []);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('unknown request') } });
  });

  it.each([
    ['a number for a name', 'roletray:switch-role', [42]],
    ['a missing argument', 'roletray:switch-role', []],
    ['an extra argument', 'roletray:switch-role', ['fc-admin', 'more']],
    ['an empty name', 'roletray:stop-role', ['']],
    ['an over-long name', 'roletray:remove-role', ['x'.repeat(65)]],
    ['an object for a name', 'roletray:refresh-role', [{ toString: 'fc-admin' }]],
    ['an extra field in the identity form', 'roletray:add-identity', [{ ...FORM, isAdmin: true }]],
    ['a wrong site', 'roletray:add-identity', [{ ...FORM, site: 'us' }]],
    ['a number for the secret', 'roletray:add-identity', [{ ...FORM, secret: 12345678 }]],
    ['a missing secret', 'roletray:add-identity', [{ name: 'me', accessKeyId: TEST_USER_KEY_ID, site: 'cn', region: 'cn-shanghai' }]],
    ['a string duration', 'roletray:add-role', [roleInput({ durationSeconds: '3600' })]],
    ['a fractional duration', 'roletray:add-role', [roleInput({ durationSeconds: 3600.5 })]],
    ['an extra role field', 'roletray:add-role', [roleInput({ __proto__x: 1 })]],
    ['a non-object settings patch', 'roletray:update-settings', ['notifications=false']],
    ['an unknown setting', 'roletray:update-settings', [{ stsEndpoint: 'http://evil' }]],
    ['a wrong settings type', 'roletray:update-settings', [{ notifications: 'no' }]],
    ['arguments for a no-argument call', 'roletray:start-sandbox', [{}]],
  ] as const)('refuses %s and changes nothing', async (_what, channel, args) => {
    await ok('roletray:add-identity', identity());
    const before = await catalogText();
    const r = await w.backend.invoke(channel, [...args]);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining(`invalid request ${channel}`) } });
    expect(await catalogText()).toBe(before);
  });

  it('get-snapshot with bad arguments rejects (it has no Result)', async () => {
    await expect(w.backend.invoke('roletray:get-snapshot', ['x'])).rejects.toThrow(/invalid request/);
  });

  it('values that pass the schema but not the core checks are refused with a reason', async () => {
    await ok('roletray:add-identity', identity());
    const r = await w.backend.invoke('roletray:add-role', [roleInput({ arn: 'acs:ram::12:role/x' })]);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('is not a RAM role ARN') } });
    const s = await w.backend.invoke('roletray:update-settings', [{ refreshLeadSeconds: 5 }]);
    expect(s).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((await w.backend.snapshot()).roles).toEqual([]);
  });
});

describe('no secret ever reaches the renderer', () => {
  it('across every channel, every response and every pushed snapshot', async () => {
    const responses: Array<{ channel: Channel; response: unknown }> = [];
    const secrets = new Set<string>([w.userSecret, 'wrongSecretValue123']);
    const call = async (channel: Channel, ...args: unknown[]): Promise<unknown> => {
      const response = await w.backend.invoke(channel, args);
      responses.push({ channel, response });
      await harvest(secrets);
      return response;
    };

    await call('roletray:get-snapshot');
    await call('roletray:start-sandbox');
    await call('roletray:add-identity', identity());
    await call('roletray:add-identity', identity({ name: 'me', replace: true }));
    await call('roletray:add-identity', identity({ name: 'bad', secret: 'wrongSecretValue123' }));
    await call('roletray:add-role', roleInput());
    await call('roletray:add-role', roleInput({ name: 'chained', arn: `acs:ram::${ACCOUNT_A}:role/chain-target`, source: 'fc-admin' }));
    await call('roletray:add-role', roleInput({ name: 'revoked', arn: `acs:ram::${ACCOUNT_A}:role/revoked-role` }));
    await call('roletray:switch-role', 'fc-admin');
    await call('roletray:switch-role', 'chained');
    await call('roletray:switch-role', 'revoked');
    await call('roletray:refresh-role', 'fc-admin');
    await call('roletray:copy-env', 'fc-admin');
    await call('roletray:open-console', 'fc-admin');
    await call('roletray:update-settings', { notifications: false, refreshLeadSeconds: 600 });
    await call('roletray:update-role', 'revoked', roleInput({ name: 'revoked2', arn: `acs:ram::${ACCOUNT_A}:role/revoked-role` }));
    await call('roletray:get-snapshot');
    await call('roletray:stop-role', 'chained');
    await call('roletray:remove-role', 'chained');
    await call('roletray:remove-role', 'revoked2');
    await call('roletray:get-snapshot');
    await call('roletray:remove-identity', 'me');
    await call('roletray:stop-role', 'fc-admin');
    await call('roletray:remove-role', 'fc-admin');
    await call('roletray:remove-identity', 'me');
    // let the debounced snapshot pushes run (the last one reflects the empty catalog)
    for (let i = 0; i < 500 && w.pushed.at(-1)?.identities.length !== 0; i++) await new Promise((r) => setTimeout(r, 10));

    // every channel of the contract was exercised
    expect(new Set(responses.map((r) => r.channel))).toEqual(new Set(CHANNELS));
    // the flow really happened: sessions were issued (fc-admin, its refresh, the chained role)
    const sts = [...secrets].filter((s) => s !== w.userSecret && s !== 'wrongSecretValue123');
    expect(sts.length).toBeGreaterThanOrEqual(6);
    expect(w.clipboard[0]).toContain('ALIBABA_CLOUD_SECURITY_TOKEN=');
    expect(w.opened.some((u) => u.includes('SigninToken='))).toBe(true);
    expect(w.pushed.length).toBeGreaterThan(0);
    expect(responses.find((r) => r.channel === 'roletray:switch-role')?.response).toMatchObject({ ok: true, value: { role: 'fc-admin', current: true } });
    expect(responses.filter((r) => r.channel === 'roletray:switch-role')[2]?.response).toMatchObject({ ok: false, error: { code: 'sts' } });

    const visible = JSON.stringify({ responses, pushed: w.pushed });
    for (const s of secrets) expect(visible.includes(s), `a secret leaked: ${s.slice(0, 4)}…`).toBe(false);
    expect(visible).not.toMatch(/access_?key_?secret"\s*:\s*"[^"[]/i);
    expect(visible).not.toMatch(/security_?token"\s*:\s*"[^"[]/i);
    expect(visible).not.toContain('SigninToken=');
  });

  /** Adds every STS AccessKeySecret / SecurityToken currently in the CLI config, the session cache and the clipboard. */
  async function harvest(out: Set<string>): Promise<void> {
    const cli = await readFile(path.join(w.home, '.aliyun', 'config.json'), 'utf8').catch(() => '{}');
    for (const p of (JSON.parse(cli) as { profiles?: Array<Record<string, unknown>> }).profiles ?? []) {
      for (const k of ['access_key_secret', 'sts_token']) {
        const v = p[k];
        if (typeof v === 'string' && v.length >= 8) out.add(v);
      }
    }
    for (const account of await w.secrets.list()) {
      const text = (await w.secrets.get(account)) ?? '';
      if (!account.startsWith('session:')) {
        out.add(text);
        continue;
      }
      const c = JSON.parse(text) as { creds: { accessKeySecret: string; securityToken: string } };
      out.add(c.creds.accessKeySecret);
      out.add(c.creds.securityToken);
    }
    for (const clip of w.clipboard) {
      for (const m of clip.matchAll(/ALIBABA_CLOUD_(?:ACCESS_KEY_SECRET|SECURITY_TOKEN)='([^']+)'/g)) if (m[1]) out.add(m[1]);
    }
  }
});
