/**
 * StsClient over the official @alicloud/sts20150401 client, with caller credentials from
 * @alicloud/credentials. HTTPS is required for every endpoint that is not a loopback address.
 */
import type { SessionCredentials } from './common/model';
import { checkStsEndpoint } from './common/validate';
import { RoleTrayError, registerSecret } from './errors';
import type { AssumeRoleInput, CallerCredentials, CallerIdentity, StsClient } from './ports';
import { networkError, stsError } from './sts-errors';

import type * as StsNs from '@alicloud/sts20150401';
import type * as CredNs from '@alicloud/credentials';

type StsModule = typeof StsNs;
type CredModule = typeof CredNs;

function interop<T>(m: unknown): T {
  const d = (m as { default?: unknown }).default;
  return ((d as { default?: unknown } | undefined)?.default ?? d ?? m) as T;
}

export interface StsClientOptions {
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  /** 'v3' (ACS3-HMAC-SHA256, the SDK default) or 'v2' (RPC HMAC-SHA1). */
  signatureAlgorithm?: 'v2' | 'v3';
}

interface Endpoint {
  host: string;
  protocol: 'http' | 'https';
  display: string;
}

export function parseEndpoint(url: string): Endpoint {
  const reason = checkStsEndpoint(url);
  if (reason) throw new RoleTrayError('invalid-input', reason, { hint: 'set an https:// STS endpoint' });
  const u = new URL(url.includes('://') ? url : `https://${url}`);
  return { host: u.host, protocol: u.protocol === 'http:' ? 'http' : 'https', display: `${u.protocol}//${u.host}` };
}

export class AlibabaStsClient implements StsClient {
  private mods: Promise<{ sts: StsModule; cred: CredModule }> | undefined;

  constructor(private readonly opts: StsClientOptions = {}) {}

  private load(): Promise<{ sts: StsModule; cred: CredModule }> {
    this.mods ??= Promise.all([import('@alicloud/sts20150401'), import('@alicloud/credentials')]).then(([sts, cred]) => ({ sts, cred }));
    return this.mods;
  }

  private async client(caller: CallerCredentials, ep: Endpoint) {
    const { sts, cred } = await this.load();
    const credMod = cred as unknown as Record<string, unknown>;
    const Credential = interop<new (config: unknown) => unknown>(cred);
    const Config = (credMod['Config'] ?? (credMod['default'] as Record<string, unknown>)['Config']) as new (c: Record<string, unknown>) => unknown;
    const credential = new Credential(
      new Config(
        caller.securityToken
          ? { type: 'sts', accessKeyId: caller.accessKeyId, accessKeySecret: caller.accessKeySecret, securityToken: caller.securityToken }
          : { type: 'access_key', accessKeyId: caller.accessKeyId, accessKeySecret: caller.accessKeySecret },
      ),
    );
    const Client = interop<new (c: unknown) => InstanceType<StsModule['default']>>(sts);
    const stsMod = sts as unknown as Record<string, unknown>;
    const OpenApiUtil = (await import('@alicloud/openapi-core')).$OpenApiUtil;
    const config = new OpenApiUtil.Config({
      credential: credential as never,
      endpoint: ep.host,
      protocol: ep.protocol,
      regionId: 'cn-hangzhou',
      connectTimeout: this.opts.connectTimeoutMs ?? 5000,
      readTimeout: this.opts.readTimeoutMs ?? 10000,
      ...(this.opts.signatureAlgorithm === 'v2' ? { signatureAlgorithm: 'v2' } : {}),
    });
    return { client: new Client(config), models: (stsMod['AssumeRoleRequest'] ? stsMod : (stsMod['default'] as Record<string, unknown>)) as unknown as StsModule };
  }

  async assumeRole(caller: CallerCredentials, endpoint: string, input: AssumeRoleInput): Promise<SessionCredentials> {
    const ep = parseEndpoint(endpoint);
    const { client, models } = await this.client(caller, ep);
    const req = new models.AssumeRoleRequest({
      roleArn: input.roleArn,
      roleSessionName: input.sessionName,
      durationSeconds: input.durationSeconds,
      ...(input.externalId ? { externalId: input.externalId } : {}),
      ...(input.policy ? { policy: input.policy } : {}),
    });
    let body: unknown;
    try {
      const resp = await client.assumeRole(req);
      body = resp.body;
    } catch (e) {
      throw this.mapError(e, ep, `assuming ${input.roleArn}`);
    }
    return parseAssumeRoleBody(body, ep.display);
  }

  async getCallerIdentity(caller: CallerCredentials, endpoint: string): Promise<CallerIdentity> {
    const ep = parseEndpoint(endpoint);
    const { client } = await this.client(caller, ep);
    let body: Record<string, unknown>;
    try {
      const resp = await client.getCallerIdentity();
      body = (resp.body ?? {}) as unknown as Record<string, unknown>;
    } catch (e) {
      throw this.mapError(e, ep, 'verifying the AccessKey');
    }
    const accountId = str(body['accountId']);
    const arn = str(body['arn']);
    if (!accountId || !arn) throw networkError('verifying the AccessKey', new Error('malformed GetCallerIdentity answer'), ep.display);
    return {
      accountId,
      arn,
      identityType: str(body['identityType']) ?? '',
      principalId: str(body['principalId']) ?? '',
      requestId: str(body['requestId']),
    };
  }

  private mapError(e: unknown, ep: Endpoint, context: string): RoleTrayError {
    if (e instanceof RoleTrayError) return e;
    const err = e as { code?: unknown; statusCode?: unknown; requestId?: unknown; data?: Record<string, unknown> };
    const code = typeof err.code === 'string' ? err.code : undefined;
    const status = typeof err.statusCode === 'number' ? err.statusCode : undefined;
    if (code && status && code !== 'undefined') {
      const rid = typeof err.requestId === 'string' ? err.requestId : str(err.data?.['RequestId']);
      return stsError(code, { requestId: rid, httpStatus: status, context });
    }
    if (status && status >= 500) return stsError('InternalError', { httpStatus: status, context });
    return networkError(context, e, ep.display);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Validate an AssumeRole answer; anything off is a retryable 'network' error, never a partial session. */
export function parseAssumeRoleBody(body: unknown, endpoint: string): SessionCredentials {
  const b = (body ?? {}) as Record<string, unknown>;
  const c = (b['credentials'] ?? b['Credentials'] ?? {}) as Record<string, unknown>;
  const u = (b['assumedRoleUser'] ?? b['AssumedRoleUser'] ?? {}) as Record<string, unknown>;
  const accessKeyId = str(c['accessKeyId'] ?? c['AccessKeyId']);
  const accessKeySecret = str(c['accessKeySecret'] ?? c['AccessKeySecret']);
  const securityToken = str(c['securityToken'] ?? c['SecurityToken']);
  const expiration = str(c['expiration'] ?? c['Expiration']);
  const expiresAt = expiration ? Date.parse(expiration) : NaN;
  if (!accessKeyId || !accessKeySecret || !securityToken || !expiration || Number.isNaN(expiresAt) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(expiration)) {
    throw networkError('reading the AssumeRole answer', new Error('malformed AssumeRole answer (missing credentials or Expiration)'), endpoint);
  }
  registerSecret(accessKeySecret);
  registerSecret(securityToken);
  return {
    accessKeyId,
    accessKeySecret,
    securityToken,
    expiresAt,
    assumedRoleArn: str(u['arn'] ?? u['Arn']) ?? '',
    assumedRoleId: str(u['assumedRoleId'] ?? u['AssumedRoleId']),
    requestId: str(b['requestId'] ?? b['RequestId']),
  };
}
