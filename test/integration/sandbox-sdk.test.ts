/**
 * The OFFICIAL clients against the sandbox over real HTTP on 127.0.0.1:
 * @alicloud/sts20150401 (V3 by default, V2 with signatureAlgorithm 'v2') and the
 * @alicloud/credentials RAM-role-ARN provider (always V2, params in query + form body).
 */
import { randomBytes } from 'node:crypto';
import { RAMRoleARNCredentialsProvider, StaticAKCredentialsProvider, StaticSTSCredentialsProvider } from '@alicloud/credentials';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import Sts, { AssumeRoleRequest } from '@alicloud/sts20150401';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../main/sandbox/index';

const EXPIRATION_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const FIXED_NOW = Date.UTC(2030, 5, 1, 12, 0, 0);

interface Creds {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

let sb: SandboxHandle;
const userSecret = randomBytes(18).toString('base64url');

beforeAll(async () => {
  sb = await startSandbox({ userSecret, now: () => FIXED_NOW });
});
afterAll(async () => {
  await sb.close();
});

/** The official STS client pointed at the sandbox: endpoint host:port plus protocol http. */
function client(creds: Creds, v2: boolean): Sts {
  return new Sts(
    new $OpenApiUtil.Config({
      ...creds,
      endpoint: `127.0.0.1:${sb.port}`,
      protocol: 'http',
      ...(v2 ? { signatureAlgorithm: 'v2' } : {}),
    }),
  );
}

function user(): Creds {
  return { accessKeyId: sb.world.testUser.accessKeyId, accessKeySecret: userSecret };
}

async function rejection(p: Promise<unknown>): Promise<{ code?: string; statusCode?: number; message: string; data?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; statusCode?: number; message: string; data?: Record<string, unknown> };
  }
  throw new Error('expected the call to fail');
}

describe.each([
  ['V3 ACS3-HMAC-SHA256 (default)', false],
  ['V2 RPC HMAC-SHA1', true],
])('@alicloud/sts20150401 %s', (_name, v2) => {
  it('AssumeRole returns the documented shape with working credentials', async () => {
    const res = await client(user(), v2).assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('fc-admin'), roleSessionName: 'alice', durationSeconds: 900 }));
    expect(res.statusCode).toBe(200);
    const body = res.body;
    const roleId = sb.world.getRole('fc-admin')?.roleId;
    expect(body?.assumedRoleUser?.arn).toBe('acs:ram::1234567890123456:role/fc-admin/alice');
    expect(body?.assumedRoleUser?.assumedRoleId).toBe(`${roleId}:alice`);
    expect(body?.credentials?.accessKeyId).toMatch(/^STS\.[A-Za-z0-9]+$/);
    expect(body?.credentials?.accessKeySecret?.length).toBeGreaterThanOrEqual(30);
    expect(body?.credentials?.securityToken).toMatch(/^CAIS/);
    expect(body?.credentials?.expiration).toMatch(EXPIRATION_RE);
    expect(body?.credentials?.expiration).toBe('2030-06-01T12:15:00Z');
    expect(body?.requestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body?.sourceIdentity).toBeUndefined();
  });

  it('GetCallerIdentity as the RAM user', async () => {
    const res = await client(user(), v2).getCallerIdentity();
    const u = sb.world.getUser('test_user1');
    expect(res.body?.toMap()).toEqual({
      RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
      IdentityType: 'RAMUser',
      AccountId: '9876543210987654',
      Arn: 'acs:ram::9876543210987654:user/test_user1',
      PrincipalId: u?.userId,
      UserId: u?.userId,
    });
  });

  it('issued credentials work: GetCallerIdentity as AssumedRoleUser, then chained AssumeRole', async () => {
    const first = await client(user(), v2).assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('fc-admin'), roleSessionName: 'chain-src' }));
    const c = first.body?.credentials;
    const sts: Creds = { accessKeyId: c?.accessKeyId ?? '', accessKeySecret: c?.accessKeySecret ?? '', securityToken: c?.securityToken ?? '' };
    const who = await client(sts, v2).getCallerIdentity();
    const roleId = sb.world.getRole('fc-admin')?.roleId;
    expect(who.body?.toMap()).toEqual({
      RequestId: expect.any(String),
      IdentityType: 'AssumedRoleUser',
      AccountId: '1234567890123456',
      Arn: 'acs:ram::1234567890123456:assumed-role/fc-admin/chain-src',
      PrincipalId: `${roleId}:chain-src`,
      RoleId: roleId,
    });
    // Chaining: the trust principal checked is the role ARN; default: no 1-hour cap.
    const chained = await client(sts, v2).assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('chain-target'), roleSessionName: 'hop2', durationSeconds: 7200 }));
    expect(chained.body?.assumedRoleUser?.arn).toBe('acs:ram::1234567890123456:role/chain-target/hop2');
    expect(chained.body?.credentials?.expiration).toBe('2030-06-01T14:00:00Z');
    // The user itself is not trusted by chain-target.
    const direct = await rejection(client(user(), v2).assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('chain-target'), roleSessionName: 'direct' })));
    expect(direct.code).toBe('NoPermission');
    expect(direct.statusCode).toBe(403);
  });

  it('a wrong secret fails with SignatureDoesNotMatch', async () => {
    const err = await rejection(
      client({ accessKeyId: sb.world.testUser.accessKeyId, accessKeySecret: `${userSecret}x` }, v2).assumeRole(
        new AssumeRoleRequest({ roleArn: sb.world.roleArn('fc-admin'), roleSessionName: 'alice' }),
      ),
    );
    expect(err.code).toBe('SignatureDoesNotMatch');
    expect(err.statusCode).toBe(400);
    expect(err.data?.['HostId']).toBe('sts.aliyuncs.com');
    expect(err.data?.['Recommend']).toContain('q=SignatureDoesNotMatch');
    if (v2) expect(err.data?.['Message']).toMatch(/^Specified signature is not matched with our calculation\. server string to sign is:POST&%2F&AccessKeyId%3DRTSANDBOX0USER0001%26Action%3DAssumeRole/);
    else expect(err.data?.['Message']).toMatch(/^Specified signature does not match our calculation\. server StringToSign is \[ACS3-HMAC-SHA256\n[0-9a-f]{64}\]/);
    expect(JSON.stringify(err.data)).not.toContain(userSecret);
  });

  it('errors carry the STS codes the SDK maps (4xx ClientError, 404 EntityNotExist.Role)', async () => {
    const missing = await rejection(client(user(), v2).assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('no-such-role'), roleSessionName: 'alice' })));
    expect(missing.code).toBe('EntityNotExist.Role');
    expect(missing.statusCode).toBe(404);
    expect(missing.data?.['Message']).toBe('The specified Role not exists .');
    const tooLong = await rejection(client(user(), v2).assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('readonly'), roleSessionName: 'alice', durationSeconds: 7201 })));
    expect(tooLong.code).toBe('InvalidParameter.DurationSeconds');
    expect(tooLong.data?.['Message']).toBe('The Min/Max value of DurationSeconds is 15min/1hr.');
    const ok = await client(user(), v2).assumeRole(new AssumeRoleRequest({ roleArn: sb.world.roleArn('readonly'), roleSessionName: 'alice', durationSeconds: 7200 }));
    expect(ok.body?.credentials?.expiration).toBe('2030-06-01T14:00:00Z');
    const unknownKey = await rejection(client({ accessKeyId: 'RTSANDBOX0UNKNOWN1', accessKeySecret: 'x' }, v2).getCallerIdentity());
    expect(unknownKey.code).toBe('InvalidAccessKeyId.NotFound');
    expect(unknownKey.statusCode).toBe(404);
  });
});

describe('@alicloud/credentials RAMRoleARNCredentialsProvider (V2, query + form body)', () => {
  /**
   * The provider hard-codes https for STS. Its `doRequest` field is the library's own seam
   * ("used for mock"); the wrapper only switches the protocol to http and keeps everything else
   * (signing, body, parsing) the library's.
   */
  function overHttp(provider: RAMRoleARNCredentialsProvider): RAMRoleARNCredentialsProvider {
    type Seam = { doRequest: (req: { protocol: string }) => Promise<unknown> };
    const seam = provider as unknown as Seam;
    const original = seam.doRequest;
    seam.doRequest = (req) => {
      req.protocol = 'http';
      return original(req);
    };
    return provider;
  }

  function provider(source: StaticAKCredentialsProvider | StaticSTSCredentialsProvider, roleName: string, extra: { externalId?: string; durationSeconds?: number } = {}): RAMRoleARNCredentialsProvider {
    let b = RAMRoleARNCredentialsProvider.builder()
      .withCredentialsProvider(source)
      .withRoleArn(sb.world.roleArn(roleName))
      .withRoleSessionName('cred-lib')
      .withStsEndpoint(`127.0.0.1:${sb.port}`)
      .withDurationSeconds(extra.durationSeconds ?? 3600);
    if (extra.externalId) b = b.withExternalId(extra.externalId);
    return overHttp(b.build());
  }

  const ak = (secret: string) => StaticAKCredentialsProvider.builder().withAccessKeyId(sb.world.testUser.accessKeyId).withAccessKeySecret(secret).build();

  it('assumes a role with the right secret', async () => {
    const before = sb.stats.recent.length;
    const creds = await provider(ak(userSecret), 'fc-admin').getCredentials();
    expect(creds.accessKeyId).toMatch(/^STS\./);
    expect(creds.securityToken).toMatch(/^CAIS/);
    expect(creds.providerName).toBe('ram_role_arn/static_ak');
    const last = sb.stats.recent[sb.stats.recent.length - 1];
    expect(sb.stats.recent.length).toBe(before + 1);
    expect(last).toMatchObject({ action: 'AssumeRole', accessKeyId: 'RTSANDBOX0USER0001', code: 'Success', signature: 'v2' });
  });

  it('recognises our SignatureDoesNotMatch as "the access key secret is invalid" (the V2 message is exact)', async () => {
    await expect(provider(ak('wrong-secret'), 'fc-admin').getCredentials()).rejects.toThrow('the access key secret is invalid');
  });

  it('chains from STS credentials (SecurityToken signed in the query)', async () => {
    const first = await provider(ak(userSecret), 'fc-admin').getCredentials();
    const sts = StaticSTSCredentialsProvider.builder()
      .withAccessKeyId(first.accessKeyId)
      .withAccessKeySecret(first.accessKeySecret)
      .withSecurityToken(first.securityToken)
      .build();
    const chained = await provider(sts, 'chain-target').getCredentials();
    expect(chained.accessKeyId).toMatch(/^STS\./);
    expect(chained.accessKeyId).not.toBe(first.accessKeyId);
  });

  it('ExternalId: right one works, wrong one is NoPermission', async () => {
    expect((await provider(ak(userSecret), 'vendor-access', { externalId: 'rt-ext-0001' }).getCredentials()).accessKeyId).toMatch(/^STS\./);
    await expect(provider(ak(userSecret), 'vendor-access', { externalId: 'rt-ext-9999' }).getCredentials()).rejects.toThrow(/"Code":"NoPermission"/);
  });
});
