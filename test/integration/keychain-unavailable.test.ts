/**
 * With no Secret Service (no D-Bus session), the keychain store fails with a clear error naming
 * the OS keychain, and nothing falls back to plaintext.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rt-nokeychain-'));
  bundle = path.join(process.cwd(), 'node_modules', '.cache', `rt-keychain-${process.pid}.mjs`);
  buildSync({
    stdin: {
      contents: `
        import { createCore } from './main/core/index';
        const core = createCore();
        try {
          await core.manager.addIdentity({ name: 'me', accessKeyId: 'RTSANDBOX0USER0001', secret: 'plaintextNeverStored1', verify: false });
          console.log(JSON.stringify({ ok: true }));
        } catch (e) {
          console.log(JSON.stringify({ ok: false, code: e.code, message: e.message, hint: e.hint }));
        }`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: bundle,
    logLevel: 'silent',
  });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(bundle, { force: true });
});

describe('keychain unavailable', () => {
  it('says the OS keychain is unavailable and writes no secret anywhere', async () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: dir,
      ROLETRAY_HOME: path.join(dir, 'data'),
      ROLETRAY_CLI_CONFIG: path.join(dir, 'config.json'),
      ROLETRAY_KEYCHAIN_SERVICE: 'roletray-test-nokeychain',
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dir, 'no-such-bus')}`,
    };
    const { stdout } = await run(process.execPath, [bundle], { env, cwd: process.cwd(), timeout: 20_000 });
    const out = JSON.parse(stdout.trim());
    expect(out.ok).toBe(false);
    expect(out.code).toBe('keychain');
    expect(out.message).toMatch(/OS keychain \(Secret Service/);
    expect(out.hint).toMatch(/never stores keys in plaintext/);
    // nothing was written in plaintext: no catalog entry, no file containing the secret
    const files = await readdir(dir, { recursive: true });
    for (const f of files) {
      const p = path.join(dir, String(f));
      const text = await import('node:fs/promises').then((fs) => fs.readFile(p, 'utf8').catch(() => ''));
      expect(text).not.toContain('plaintextNeverStored1');
    }
    expect(files.some((f) => String(f).endsWith('catalog.json'))).toBe(false);
  });
});
