/**
 * The app's log file (core FileLogger in the data directory): registered secrets, secret-named
 * fields and secret-shaped text never reach the file; lines stay one per entry; files rotate.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSecret } from '../../main/core/errors';
import { FileLogger } from '../../main/core/log';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'roletray-log-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const readLog = (d = dir): Promise<string> => readFile(path.join(d, 'roletray.log'), 'utf8');

describe('FileLogger redaction', () => {
  it('drops registered secrets from messages and field values', async () => {
    const akSecret = `userSecret${randomBytes(10).toString('hex')}`;
    const stsToken = `CAIS${randomBytes(24).toString('base64url')}`;
    registerSecret(akSecret);
    registerSecret(stsToken);
    const log = new FileLogger(dir);
    log.info(`assuming with ${akSecret} now`, { role: 'fc-admin', detail: `token=${stsToken}`, nested: { deep: akSecret } });
    log.warn(`refresh failed for ${stsToken}`);
    log.error('boom', { stack: `Error: ${akSecret}\n    at x` });
    const text = await readLog();
    expect(text).not.toContain(akSecret);
    expect(text).not.toContain(stsToken);
    expect(text).toContain('fc-admin');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('drops fields whose names say secret/token/password/signature/credential, whatever their value', async () => {
    const log = new FileLogger(dir);
    log.info('fields', {
      accessKeySecret: 'unregisteredValue1',
      securityToken: 'unregisteredValue2',
      password: 'unregisteredValue3',
      Signature: 'unregisteredValue4',
      credentials: { id: 'x', secret: 'unregisteredValue5' },
      SigninToken: 'unregisteredValue6',
      accessKeyId: 'FAKEAKIDAccessKeyId',
    });
    const text = await readLog();
    for (let i = 1; i <= 6; i++) expect(text).not.toContain(`unregisteredValue${i}`);
    expect(text).toContain('FAKEAKIDAccessKeyId');
  });

  it('scrubs secret-shaped text even when the value was never registered', async () => {
    const log = new FileLogger(dir);
    log.warn('STS said: {"AccessKeySecret":"neverRegistered01","SecurityToken":"neverRegistered02"}');
    log.warn('query Signature=neverRegistered03&Action=AssumeRole');
    log.warn('profile access_key_secret: neverRegistered04 sts_token=neverRegistered05');
    const text = await readLog();
    for (let i = 1; i <= 5; i++) expect(text).not.toContain(`neverRegistered0${i}`);
    expect(text).toContain('Action=AssumeRole');
  });

  it('writes one line per entry (no log injection through newlines), file mode 0600', async () => {
    const log = new FileLogger(dir);
    log.info('line one\nFAKE 2026-01-01T00:00:00Z ERROR injected\r\nmore');
    log.info('line two');
    const lines = (await readLog()).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO line one FAKE/);
    if (process.platform !== 'win32') expect((await stat(path.join(dir, 'roletray.log'))).mode & 0o777).toBe(0o600);
  });

  it('rotates at the size limit and keeps a bounded number of files', async () => {
    const log = new FileLogger(dir, 2_000, 3);
    for (let i = 0; i < 200; i++) log.info(`entry ${i} ${'x'.repeat(40)}`);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['roletray.log', 'roletray.log.1', 'roletray.log.2', 'roletray.log.3']);
    for (const f of files) expect((await stat(path.join(dir, f))).size).toBeLessThan(2_200);
    expect(await readLog()).toContain('entry 199');
  });

  it('never throws when the directory cannot be written', () => {
    const log = new FileLogger(path.join(dir, 'missing', '\0bad'));
    expect(() => log.error('still fine')).not.toThrow();
  });
});
