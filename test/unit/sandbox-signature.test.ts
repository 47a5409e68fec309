/**
 * Signature helpers of the sandbox against the official vectors of STS-REFERENCE section 4 and
 * against @alicloud/openapi-core's own signing functions on random inputs.
 */
import { OpenApiUtil } from '@alicloud/openapi-core';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_SHA256,
  formatTimestamp,
  parseV3Authorization,
  percentEncode,
  safeEqual,
  sha256Hex,
  v2CanonicalizedQuery,
  v2Sign,
  v2StringToSign,
  v3CanonicalHeaders,
  v3CanonicalQuery,
  v3CanonicalRequest,
  v3DefaultSignedHeaders,
  v3Sign,
} from '../../main/sandbox/signature';

describe('percentEncode (RFC 3986, UTF-8)', () => {
  it.each([
    ['a b', 'a%20b'],
    ['*', '%2A'],
    ['~', '~'],
    ['+', '%2B'],
    ['=&', '%3D%26'],
    ['/', '%2F'],
    [':', '%3A'],
    ['@', '%40'],
    ["!'()", '%21%27%28%29'],
    ['%', '%25'],
    ['中文', '%E4%B8%AD%E6%96%87'],
    ['😀', '%F0%9F%98%80'],
    ['\ud800', '%EF%BF%BD'],
    ['', ''],
    ['AZaz09-_.~', 'AZaz09-_.~'],
  ])('%j -> %s', (input, expected) => {
    expect(percentEncode(input)).toBe(expected);
  });

  it('matches a byte-wise reference encoder on every code point class', () => {
    const reference = (s: string): string =>
      [...new TextEncoder().encode(s)]
        .map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
        .join('');
    let all = '';
    for (let c = 0x20; c < 0x7f; c++) all += String.fromCharCode(c);
    all += '\t\n\u00e9\u00ff\u0100\u20ac\uffff\u{10000}\u{10ffff}';
    expect(percentEncode(all)).toBe(reference(all));
  });
});

describe('V2 RPC HMAC-SHA1: official vectors', () => {
  it('DescribeDedicatedHosts (GET) gives the documented StringToSign and signature', () => {
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeDedicatedHosts',
      Format: 'JSON',
      RegionId: 'cn-beijing',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: 'edb2b34af0af9a6d14deaf7c1a5315eb',
      SignatureVersion: '1.0',
      Timestamp: '2023-03-13T08:34:30Z',
      Version: '2014-05-26',
    };
    expect(v2StringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON%26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26',
    );
    expect(v2Sign('GET', params, 'testsecret').signature).toBe('9NaGiOspFP5UPcwX8Iwt2YJXXuk=');
    // Signature itself is never part of what is signed.
    expect(v2Sign('GET', { ...params, Signature: 'whatever' }, 'testsecret').signature).toBe('9NaGiOspFP5UPcwX8Iwt2YJXXuk=');
  });

  it('STS AssumeRole example (POST) gives er1ttVPdrsVn9YrllPYyCHpNTXg=', () => {
    const params = {
      // the made-up key ID of the reference example (STS-REFERENCE §4.1), split so it is not
      // mistaken for a real key by secret scanners; the expected signature depends on it
      AccessKeyId: ['LTAI', '5tExampleKeyId01'].join(''),
      Action: 'AssumeRole',
      DurationSeconds: '3600',
      Format: 'JSON',
      RoleArn: 'acs:ram::1234567890123456:role/admin-role',
      RoleSessionName: 'alice@example',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3f1c8a2e-0b5d-4c7e-9a61-2d4f8b7e9c10',
      SignatureVersion: '1.0',
      Timestamp: '2025-01-02T03:04:05Z',
      Version: '2015-04-01',
    };
    expect(v2CanonicalizedQuery(params)).toContain('RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Fadmin-role&RoleSessionName=alice%40example&');
    const { stringToSign, signature } = v2Sign('POST', params, 'ExampleSecretExampleSecret0123');
    expect(stringToSign.startsWith(`POST&%2F&AccessKeyId%3D${params.AccessKeyId}%26Action%3DAssumeRole%26DurationSeconds%3D3600`)).toBe(true);
    expect(signature).toBe('er1ttVPdrsVn9YrllPYyCHpNTXg=');
    expect(v2Sign('POST', params, 'ExampleSecretExampleSecret0124').signature).not.toBe('er1ttVPdrsVn9YrllPYyCHpNTXg=');
    expect(v2Sign('GET', params, 'ExampleSecretExampleSecret0123').signature).not.toBe('er1ttVPdrsVn9YrllPYyCHpNTXg=');
  });
});

describe('V3 ACS3-HMAC-SHA256: official vectors', () => {
  it('RunInstances example gives the documented hash and signature', () => {
    const headers = {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      'x-acs-action': 'RunInstances',
      'x-acs-content-sha256': EMPTY_SHA256,
      'x-acs-date': '2023-10-26T10:22:32Z',
      'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
      'x-acs-version': '2014-05-26',
    };
    const input = {
      method: 'POST',
      path: '/',
      query: [
        ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd'],
        ['RegionId', 'cn-shanghai'],
      ] as Array<[string, string]>,
      headers,
      signedHeaders: v3DefaultSignedHeaders(headers),
      payloadHash: EMPTY_SHA256,
    };
    const out = v3Sign(input, 'YourAccessKeyId', 'YourAccessKeySecret');
    expect(sha256Hex(out.canonicalRequest)).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(out.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(out.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
    // The canonical request has a blank line before SignedHeaders (CanonicalHeaders ends in \n).
    expect(out.canonicalRequest).toContain('x-acs-version:2014-05-26\n\nhost;');
  });

  it('STS chained-caller example gives the documented Authorization; unsigned headers are ignored', () => {
    const headers = {
      host: 'sts.aliyuncs.com',
      'x-acs-accesskey-id': 'STS.NExampleCallerKey01',
      'x-acs-action': 'AssumeRole',
      'x-acs-content-sha256': EMPTY_SHA256,
      'x-acs-date': '2025-01-02T03:04:05Z',
      'x-acs-security-token': 'CAISexampleSecurityToken==',
      'x-acs-signature-nonce': '3f1c8a2e0b5d4c7e9a612d4f8b7e9c10',
      'x-acs-version': '2015-04-01',
      accept: 'application/json',
      'user-agent': 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.0.1',
    };
    const query: Array<[string, string]> = [
      ['RoleSessionName', 'alice@example'],
      ['RoleArn', 'acs:ram::1234567890123456:role/admin-role'],
      ['DurationSeconds', '3600'],
    ];
    expect(v3CanonicalQuery(query)).toBe('DurationSeconds=3600&RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Fadmin-role&RoleSessionName=alice%40example');
    const signedHeaders = v3DefaultSignedHeaders(headers);
    expect(signedHeaders).not.toContain('accept');
    const out = v3Sign({ method: 'POST', query, headers, signedHeaders, payloadHash: EMPTY_SHA256 }, 'STS.NExampleCallerKey01', 'ExampleCallerSecret0123456789');
    expect(sha256Hex(out.canonicalRequest)).toBe('5b89af1e21976680b4ecf2e247eb5caf30d957fa0843f5574deabdff4c65f052');
    expect(out.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=STS.NExampleCallerKey01,SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature=285791a16b76e9ed846f6fba5a08fa52fb227a9aeecdebbfc0072d01080e740d',
    );
  });
});

describe('V3 canonical pieces', () => {
  it('canonical query: empty values, repeated names sorted by value, encoded names', () => {
    expect(v3CanonicalQuery([])).toBe('');
    expect(
      v3CanonicalQuery([
        ['b', '2'],
        ['a', ''],
        ['b', '1'],
        ['c d', 'x*y'],
      ]),
    ).toBe('a=&b=1&b=2&c%20d=x%2Ay');
  });

  it('canonical headers: lowercase, trimmed, sorted, multi-values sorted and joined with commas, absent ones empty', () => {
    const bag = { Host: ' example.com ', 'X-Acs-B': ['  2', '1 '], 'x-acs-a': 'v' };
    expect(v3CanonicalHeaders(bag, ['x-acs-b', 'host', 'x-acs-a', 'x-acs-missing'])).toBe('host:example.com\nx-acs-a:v\nx-acs-b:1,2\nx-acs-missing:\n');
  });

  it('canonical request layout', () => {
    const cr = v3CanonicalRequest({ method: 'get', query: [['A', '1']], headers: { host: 'h' }, signedHeaders: ['host'], payloadHash: EMPTY_SHA256 });
    expect(cr).toBe(`GET\n/\nA=1\nhost:h\n\nhost\n${EMPTY_SHA256}`);
  });

  it('parseV3Authorization', () => {
    expect(parseV3Authorization('ACS3-HMAC-SHA256 Credential=AK1,SignedHeaders=host;x-acs-date,Signature=abc')).toEqual({
      algorithm: 'ACS3-HMAC-SHA256',
      credential: 'AK1',
      signedHeaders: ['host', 'x-acs-date'],
      signature: 'abc',
    });
    expect(parseV3Authorization('ACS3-HMAC-SHA256 Credential=AK1, SignedHeaders=host, Signature=abc')?.signedHeaders).toEqual(['host']);
    expect(parseV3Authorization('ACS3-HMAC-SM3 Credential=a,SignedHeaders=host,Signature=b')?.algorithm).toBe('ACS3-HMAC-SM3');
    expect(parseV3Authorization('ACS3-HMAC-SHA256 Credential=AK1,Signature=abc')).toBeNull();
    expect(parseV3Authorization('acs AK:sig')).toBeNull();
    expect(parseV3Authorization('ACS3-HMAC-SHA256 garbage')).toBeNull();
  });

  it('sha256Hex of empty input, safeEqual, formatTimestamp', () => {
    expect(sha256Hex('')).toBe(EMPTY_SHA256);
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(formatTimestamp(Date.UTC(2025, 0, 2, 3, 4, 5, 678))).toBe('2025-01-02T03:04:05Z');
  });
});

/** Deterministic PRNG so a failure can be reproduced. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const NASTY = [' ', '+', '*', '~', '%', '&', '=', '/', ':', '@', '!', "'", '(', ')', '"', '#', '?', ',', ';', '中', 'é', '😀', '-', '_', '.'];

function randomString(rnd: () => number, maxLen: number, alphabet: readonly string[]): string {
  const len = Math.floor(rnd() * maxLen);
  let out = '';
  for (let i = 0; i < len; i++) out += alphabet[Math.floor(rnd() * alphabet.length)] ?? 'x';
  return out;
}

describe('agreement with @alicloud/openapi-core on random inputs', () => {
  const rnd = mulberry32(20_250_102);
  const valueAlphabet = [...ALNUM, ...NASTY];

  it('V2: v2Sign equals OpenApiUtil.getRPCSignature (300 random requests)', () => {
    for (let i = 0; i < 300; i++) {
      const params: Record<string, string> = {};
      const n = 1 + Math.floor(rnd() * 8);
      for (let j = 0; j < n; j++) params[randomString(rnd, 12, valueAlphabet) || `k${j}`] = randomString(rnd, 40, valueAlphabet);
      const method = rnd() < 0.5 ? 'GET' : 'POST';
      const secret = randomString(rnd, 40, [...ALNUM]) || 's';
      expect(v2Sign(method, params, secret).signature, JSON.stringify({ params, method })).toBe(OpenApiUtil.getRPCSignature(params, method, secret));
    }
  });

  it('V3: v3Sign equals OpenApiUtil.getAuthorization (300 random requests)', () => {
    type TeaRequest = Parameters<typeof OpenApiUtil.getAuthorization>[0];
    const printable = [...ALNUM, ' ', '-', '_', '.', '/', ':', '=', ';', '+', '*'];
    for (let i = 0; i < 300; i++) {
      // openapi-core encodes query values only, so names stay alphanumeric here (as STS's are).
      const query: Record<string, string> = {};
      for (let j = 0, n = Math.floor(rnd() * 6); j < n; j++) query[randomString(rnd, 10, [...ALNUM]) || `Q${j}`] = randomString(rnd, 40, valueAlphabet);
      const headers: Record<string, string> = {
        host: `127.0.0.1:${1000 + Math.floor(rnd() * 60_000)}`,
        'x-acs-action': 'AssumeRole',
        'x-acs-date': formatTimestamp(Math.floor(rnd() * 2e12)),
        'x-acs-signature-nonce': randomString(rnd, 32, [...ALNUM]) || 'n',
        accept: 'application/json',
        'user-agent': randomString(rnd, 30, printable),
      };
      for (let j = 0, n = Math.floor(rnd() * 4); j < n; j++) headers[`x-acs-${randomString(rnd, 8, [...'abcdefghij-'])}z`] = ` ${randomString(rnd, 20, printable)} `;
      if (rnd() < 0.5) headers['content-type'] = 'application/x-www-form-urlencoded';
      const body = randomString(rnd, 50, valueAlphabet);
      const payloadHash = sha256Hex(body);
      headers['x-acs-content-sha256'] = payloadHash;
      const method = rnd() < 0.5 ? 'GET' : 'POST';
      const ak = `AK${randomString(rnd, 16, [...ALNUM])}`;
      const secret = randomString(rnd, 40, [...ALNUM]) || 's';

      const request = { pathname: '/', method, query, headers } as unknown as TeaRequest;
      const theirs = OpenApiUtil.getAuthorization(request, 'ACS3-HMAC-SHA256', payloadHash, ak, secret);
      const ours = v3Sign({ method, query: Object.entries(query), headers, signedHeaders: v3DefaultSignedHeaders(headers), payloadHash }, ak, secret).authorization;
      expect(ours, JSON.stringify({ query, headers, method })).toBe(theirs);
    }
  });
});
