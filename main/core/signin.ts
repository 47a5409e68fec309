/**
 * Console sign-in as a role: GetSigninToken with the session's STS credentials, then the Login
 * URL with the destination. The SigninToken lives 30 s and works once: fetched per click.
 */
import { sourceChain } from './common/chain';
import type { Site } from './common/model';
import { isLoopbackHost } from './common/validate';
import { RoleTrayError } from './errors';
import { stsEndpointFor } from './paths';
import type { SessionManager } from './session-manager';

export function federationEndpoint(site: Site, stsEndpoint: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env['ROLETRAY_SIGNIN_ENDPOINT'];
  if (override) return override;
  const u = new URL(stsEndpoint.includes('://') ? stsEndpoint : `https://${stsEndpoint}`);
  // The sandbox serves its own stand-in of the federation service next to its STS.
  if (isLoopbackHost(u.hostname)) return `${u.protocol}//${u.host}/federation`;
  return site === 'intl' ? 'https://signin.alibabacloud.com/federation' : 'https://signin.aliyun.com/federation';
}

export function defaultDestination(site: Site): string {
  return site === 'intl' ? 'https://home.console.alibabacloud.com/' : 'https://home.console.aliyun.com/';
}

/** Build the one-time console URL for a role (fetches a fresh SigninToken). */
export async function consoleSigninUrl(manager: SessionManager, roleName: string, destination?: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const cat = await manager.catalog();
  const role = cat.roles.find((r) => r.name === roleName);
  if (!role) throw new RoleTrayError('not-found', `no role named "${roleName}"`, { hint: 'list them with: roletray role list' });
  const { identity } = sourceChain(cat, roleName);
  if (!identity) throw new RoleTrayError('not-found', `role "${roleName}" has no identity at the end of its source chain`);
  if (destination !== undefined) {
    let d: URL;
    try {
      d = new URL(destination);
    } catch {
      throw new RoleTrayError('invalid-input', `destination "${destination.slice(0, 80)}" is not a URL`);
    }
    if (d.protocol !== 'https:' && !isLoopbackHost(d.hostname)) throw new RoleTrayError('invalid-input', 'the console destination must be an https:// console URL');
  }
  // The console session is bounded by the STS session: ask for one with at least 15 minutes left.
  const creds = await manager.credentials(roleName, { minRemainingMs: 15 * 60_000 });
  const fed = federationEndpoint(identity.site, stsEndpointFor(identity, env), env);
  const body = new URLSearchParams({
    Action: 'GetSigninToken',
    AccessKeyId: creds.accessKeyId,
    AccessKeySecret: creds.accessKeySecret,
    SecurityToken: creds.securityToken,
    TicketType: 'mini',
  });
  let resp: Response;
  try {
    resp = await fetch(fed, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new RoleTrayError('network', `could not reach the sign-in service at ${new URL(fed).host}`, { hint: 'check your network and try again', retryable: true, cause: e });
  }
  const text = await resp.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* handled below */
  }
  const token = json['SigninToken'];
  if (!resp.ok || typeof token !== 'string' || !token) {
    const code = typeof json['Code'] === 'string' ? json['Code'] : `HTTP ${resp.status}`;
    throw new RoleTrayError('sts', `the sign-in service refused to issue a console token (${code})`, { hint: 'refresh the role and try again', stsCode: code });
  }
  const login = new URL(fed);
  login.search = new URLSearchParams({
    Action: 'Login',
    LoginUrl: 'https://signin.aliyun.com/login.htm',
    Destination: destination ?? defaultDestination(identity.site),
    SigninToken: token,
  }).toString();
  return login.toString();
}
