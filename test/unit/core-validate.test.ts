import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogStore, parseCatalog } from '../../main/core/catalog';
import { sourceChain } from '../../main/core/common/chain';
import { emptyCatalog } from '../../main/core/common/model';
import {
  checkDuration,
  checkExternalId,
  checkPolicy,
  checkRoleArn,
  checkSessionName,
  checkStsEndpoint,
  defaultSessionName,
  parseRoleArn,
} from '../../main/core/common/validate';
import { envExports } from '../../main/core/env-export';
import { RoleTrayError, redact, registerSecret } from '../../main/core/errors';
import { resolvePaths, stsEndpointFor } from '../../main/core/paths';
import { parseAssumeRoleBody } from '../../main/core/sts-client';
import { stsError } from '../../main/core/sts-errors';

describe('validation', () => {
  it.each([
    ['acs:ram::1234567890123456:role/fc-admin', true],
    ['acs:ram::123456789012:role/a.b_c-d', true],
    ['acs:ram::12345678901:role/x', false], // 11 digits
    ['acs:ram::12345678901234567:role/x', false], // 17 digits
    ['acs:ram::1234567890123456:user/x', false],
    ['acs:ram:cn-hangzhou:1234567890123456:role/x', false],
    ['acs:ram::1234567890123456:role/x y', false],
    ['acs:ram::1234567890123456:role/', false],
    ['', false],
  ])('role ARN %s -> %s', (arn, ok) => {
    expect(checkRoleArn(arn) === null).toBe(ok);
  });

  it('parses account and role', () => {
    expect(parseRoleArn('acs:ram::1234567890123456:role/fc-admin')).toEqual({ accountId: '1234567890123456', roleName: 'fc-admin' });
  });

  it('session names follow STS rules and hostile names are refused', () => {
    expect(checkSessionName('alice@example.com')).toBeNull();
    expect(checkSessionName('a')).toMatch(/2-64/);
    expect(checkSessionName('abc*abc')).not.toBeNull();
    expect(checkSessionName('名字名字')).not.toBeNull();
    expect(checkSessionName('x'.repeat(65))).not.toBeNull();
    expect(checkSessionName('a;rm -rf /')).not.toBeNull();
    expect(checkSessionName('a\nb')).not.toBeNull();
    // a hostile name is clipped and made printable in the message
    expect(checkSessionName(`\u001b[31m${'x'.repeat(200)}`)).not.toContain('\u001b');
    expect(defaultSessionName('bob smith')).toBe('roletray-bob-smith');
    expect(checkSessionName(defaultSessionName('ünï'))).toBeNull();
  });

  it('durations are 900..43200 whole seconds', () => {
    expect(checkDuration(900)).toBeNull();
    expect(checkDuration(43_200)).toBeNull();
    expect(checkDuration(100)).toMatch(/outside/);
    expect(checkDuration(43_201)).not.toBeNull();
    expect(checkDuration(1000.5)).not.toBeNull();
  });

  it('ExternalId and policy', () => {
    expect(checkExternalId('rt-ext-0001')).toBeNull();
    expect(checkExternalId('x')).not.toBeNull();
    expect(checkExternalId('has space')).not.toBeNull();
    expect(checkPolicy('{"Version":"1","Statement":[{"Effect":"Allow","Action":"oss:Get*","Resource":"*"}]}')).toBeNull();
    expect(checkPolicy('{')).toMatch(/not valid JSON/);
    expect(checkPolicy('[]')).toMatch(/object/);
    expect(checkPolicy('{"Statement":[]}')).toMatch(/non-empty/);
    expect(checkPolicy('{"Statement":[{"Effect":"Maybe","Action":"*"}]}')).toMatch(/Effect/);
    expect(checkPolicy(`{"Statement":[{"Effect":"Allow","Action":"${'a'.repeat(2100)}"}]}`)).toMatch(/2048/);
  });

  it('STS endpoints: https anywhere, http only on loopback', () => {
    expect(checkStsEndpoint('https://sts.cn-hangzhou.aliyuncs.com')).toBeNull();
    expect(checkStsEndpoint('sts.cn-hangzhou.aliyuncs.com')).toBeNull();
    expect(checkStsEndpoint('http://127.0.0.1:8080')).toBeNull();
    expect(checkStsEndpoint('http://localhost:1')).toBeNull();
    expect(checkStsEndpoint('http://[::1]:1')).toBeNull();
    expect(checkStsEndpoint('http://sts.aliyuncs.com')).toMatch(/https/);
    expect(checkStsEndpoint('http://10.0.0.1')).toMatch(/https/);
    expect(checkStsEndpoint('ftp://x')).not.toBeNull();
  });
});

describe('paths', () => {
  it('follows Electron userData per platform and the overrides', () => {
    expect(resolvePaths({ HOME: '/h' }, 'linux').dataDir).toBe('/h/.config/RoleTray');
    expect(resolvePaths({ HOME: '/h' }, 'darwin').dataDir).toBe('/h/Library/Application Support/RoleTray');
    expect(resolvePaths({ HOME: '/h', APPDATA: 'C:\\AppData' }, 'win32').dataDir).toContain('RoleTray');
    const p = resolvePaths({ HOME: '/h', ROLETRAY_HOME: '/d', ROLETRAY_CLI_CONFIG: '/c.json', ROLETRAY_KEYCHAIN_SERVICE: 's' }, 'linux');
    expect(p).toMatchObject({ dataDir: '/d', cliConfigFile: '/c.json', keychainService: 's', catalogFile: '/d/catalog.json' });
    expect(resolvePaths({ HOME: '/h' }, 'linux')).toMatchObject({ cliConfigFile: '/h/.aliyun/config.json', keychainService: 'roletray' });
    expect(stsEndpointFor({ region: 'ap-southeast-1' }, {})).toBe('https://sts.ap-southeast-1.aliyuncs.com');
    expect(stsEndpointFor({ region: 'ap-southeast-1', stsEndpoint: 'https://x' }, { ROLETRAY_STS_ENDPOINT: 'http://127.0.0.1:1' })).toBe('http://127.0.0.1:1');
  });
});

describe('catalog', () => {
  it('rejects invalid JSON, bad shapes and future versions without touching the file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rt-cat-'));
    const file = path.join(dir, 'catalog.json');
    for (const [text, re] of [
      ['{nope', /not valid JSON/],
      ['{"version":2,"identities":[]}', /newer RoleTray/],
      ['{"version":1,"roles":[{"name":"x","arn":"bad"}]}', /invalid at roles\.0/],
      ['{"version":1,"identities":[{"name":"a","accessKeyId":"AKIDAKID1","site":"cn","region":"cn-hangzhou"},{"name":"a","accessKeyId":"AKIDAKID2","site":"cn","region":"cn-hangzhou"}]}', /twice/],
    ] as const) {
      await writeFile(file, text);
      const before = await stat(file);
      const store = new CatalogStore(file);
      const err = (await store.load().catch((e: unknown) => e)) as RoleTrayError;
      expect(err).toBeInstanceOf(RoleTrayError);
      expect(err.code).toBe('catalog');
      expect(err.message).toMatch(re);
      await expect(store.update(() => undefined)).rejects.toThrow(re);
      expect(await readFile(file, 'utf8')).toBe(text);
      expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    }
  });

  it('round-trips and fills defaults', async () => {
    const cat = parseCatalog('{"version":1}', 'x');
    expect(cat).toEqual(emptyCatalog());
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rt-cat-'));
    const store = new CatalogStore(path.join(dir, 'sub', 'catalog.json'));
    await store.update((c) => {
      c.settings.refreshLeadSeconds = 600;
    });
    expect((await store.load()).settings.refreshLeadSeconds).toBe(600);
    expect((await stat(path.join(dir, 'sub'))).mode & 0o777).toBe(0o700);
  });
});

describe('errors and STS answers', () => {
  it('maps STS codes to a human line with code, RequestId and next step', () => {
    const e = stsError('NoPermission', { requestId: 'REQ-1', httpStatus: 403, context: 'assuming fc-admin' });
    expect(e.retryable).toBe(false);
    expect(e.exitCode).toBe(1);
    expect(e.oneLine()).toMatch(/^assuming fc-admin: .*trust.*\(NoPermission, RequestId REQ-1\): ask/);
    expect(stsError('Throttling.User', { httpStatus: 400 }).retryable).toBe(true);
    expect(stsError('SomethingNew', { httpStatus: 503 }).retryable).toBe(true);
    expect(stsError('SomethingNew', { httpStatus: 400 }).retryable).toBe(false);
  });

  it('refuses partial or malformed AssumeRole answers', () => {
    const good = { RequestId: 'r', AssumedRoleUser: { Arn: 'a' }, Credentials: { AccessKeyId: 'STS.x', AccessKeySecret: 'sssssssss', SecurityToken: 'tttttttt', Expiration: '2026-11-23T10:00:00Z' } };
    expect(parseAssumeRoleBody(good, 'e').expiresAt).toBe(Date.parse('2026-11-23T10:00:00Z'));
    for (const bad of [
      {},
      { ...good, Credentials: { ...good.Credentials, SecurityToken: '' } },
      { ...good, Credentials: { ...good.Credentials, Expiration: 'tomorrow' } },
      { ...good, Credentials: { ...good.Credentials, Expiration: '2026-11-23 10:00:00' } },
      null,
    ]) {
      const err = (() => {
        try {
          parseAssumeRoleBody(bad, 'e');
          return null;
        } catch (e) {
          return e as RoleTrayError;
        }
      })();
      expect(err?.code).toBe('network');
      expect(err?.retryable).toBe(true);
    }
  });

  it('redacts registered secrets and secret-shaped values', () => {
    registerSecret('superSecretValue42');
    expect(redact('x superSecretValue42 y')).toBe('x [redacted] y');
    expect(redact('AccessKeySecret=abc&x=1')).toBe('AccessKeySecret=[redacted]&x=1');
    expect(redact('"sts_token": "CAISabc"')).toContain('[redacted]');
  });

  it('env exports quote safely for each shell', () => {
    const creds = { accessKeyId: 'STS.k', accessKeySecret: "se'cr", securityToken: 'tok', expiresAt: 0, assumedRoleArn: '' };
    expect(envExports(creds, 'cn-hangzhou', 'posix')).toContain(`export ALIBABA_CLOUD_ACCESS_KEY_SECRET='se'\\''cr'`);
    expect(envExports(creds, 'cn-hangzhou', 'fish')).toContain(`set -gx ALIBABA_CLOUD_ACCESS_KEY_SECRET 'se\\'cr';`);
    expect(envExports(creds, 'cn-hangzhou', 'powershell')).toContain(`$Env:ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'se''cr'`);
    expect(envExports(creds, 'cn-hangzhou', 'posix')).toContain('ALIBABA_CLOUD_REGION_ID');
  });
});

describe('source chain', () => {
  const id = { name: 'me', accessKeyId: 'FAKEAKID0001', site: 'cn' as const, region: 'cn-hangzhou' };
  const role = (name: string, source: string) => ({ name, arn: `acs:ram::1234567890123456:role/${name}`, source, profile: name, durationSeconds: 3600 });

  it('walks role -> role -> identity, root first', () => {
    const cat = { identities: [id], roles: [role('a', 'me'), role('b', 'a'), role('c', 'b')] };
    expect(sourceChain(cat, 'c')).toEqual({ chain: ['me', 'a', 'b'], identity: id });
    expect(sourceChain(cat, 'a')).toEqual({ chain: ['me'], identity: id });
  });

  it('a broken, cyclic or too deep chain has no identity', () => {
    expect(sourceChain({ identities: [id], roles: [role('a', 'gone')] }, 'a').identity).toBeNull();
    expect(sourceChain({ identities: [id], roles: [role('a', 'b'), role('b', 'a')] }, 'a').identity).toBeNull();
    const deep = Array.from({ length: 8 }, (_, i) => role(`r${i}`, i === 0 ? 'me' : `r${i - 1}`));
    expect(sourceChain({ identities: [id], roles: deep }, 'r7').identity).toBeNull();
    expect(sourceChain({ identities: [id], roles: deep }, 'r4').identity).toEqual(id);
  });
});
