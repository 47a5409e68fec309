/**
 * Local stand-in for the console sign-in federation service (`https://signin.aliyun.com/federation`,
 * STS-REFERENCE section 5.1) plus a tiny "console" page that shows who is signed in.
 *
 * GetSigninToken takes live STS credentials (no request signature, like the real service) and
 * returns a SigninToken that lives 30 s and works once. Login trades it for a 302 to /console.
 */
import { Faults, StsFault } from './errors';
import type { SessionStore, StsSession } from './sessions';
import { safeEqual } from './signature';
import { formatExpiration } from './sts';
import type { DemoWorld } from './world';

export const SIGNIN_TOKEN_LIFETIME_MS = 30_000;

export type FederationResult =
  | { kind: 'json'; status: number; body: Record<string, unknown>; code: string; accessKeyId?: string | undefined }
  | { kind: 'redirect'; location: string; code: string };

export interface FederationContext {
  world: DemoWorld;
  sessions: SessionStore;
  now: () => number;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
}

/** Handle `/federation` with decoded parameters (query plus form body). */
export function handleFederation(params: Map<string, string>, ctx: FederationContext): FederationResult {
  const action = params.get('Action');
  try {
    if (action === 'GetSigninToken') return getSigninToken(params, ctx);
    if (action === 'Login') return login(params, ctx);
    if (action === undefined || action === '') throw Faults.missingParameter('Action');
    throw Faults.invalidAction();
  } catch (e) {
    if (!(e instanceof StsFault)) throw e;
    return { kind: 'json', status: e.status, code: e.code, body: { Code: e.code, Message: e.message, ...e.extra }, accessKeyId: params.get('AccessKeyId') };
  }
}

function required(params: Map<string, string>, name: string): string {
  const v = params.get(name);
  if (v === undefined || v === '') throw Faults.missingParameter(name);
  return v;
}

function getSigninToken(params: Map<string, string>, ctx: FederationContext): FederationResult {
  const accessKeyId = required(params, 'AccessKeyId');
  const secret = required(params, 'AccessKeySecret');
  const token = required(params, 'SecurityToken');
  const ticketType = required(params, 'TicketType');
  if (ticketType !== 'mini') throw new StsFault(400, 'InvalidParameter.TicketType', 'The parameter TicketType must be "mini".');

  const session = ctx.sessions.byAccessKeyId(accessKeyId);
  if (!session) {
    if (ctx.world.findKey(accessKeyId)) {
      throw new StsFault(400, 'InvalidParameter.AccessKeyId', 'GetSigninToken needs STS credentials from AssumeRole, not a long-lived AccessKey.');
    }
    throw Faults.keyNotFound();
  }
  if (!safeEqual(secret, session.accessKeySecret)) throw new StsFault(400, 'InvalidAccessKeySecret', 'Specified access key secret is not valid.');
  const byToken = ctx.sessions.bySecurityToken(token);
  if (!byToken) throw Faults.tokenMalformed();
  if (byToken !== session) throw Faults.tokenMismatch();
  if (ctx.now() >= session.expiresAt) throw Faults.tokenExpired();

  const ticket = ctx.sessions.newSigninTicket(session, ctx.now(), SIGNIN_TOKEN_LIFETIME_MS);
  return { kind: 'json', status: 200, code: 'Success', body: { SigninToken: ticket.token }, accessKeyId };
}

function login(params: Map<string, string>, ctx: FederationContext): FederationResult {
  const tokenText = required(params, 'SigninToken');
  const destination = required(params, 'Destination');
  const loginUrl = required(params, 'LoginUrl');
  if (!isConsoleUrl(destination)) {
    throw new StsFault(400, 'InvalidParameter.Destination', 'The parameter Destination must be an Alibaba Cloud console URL (https://*.console.aliyun.com or https://*.console.alibabacloud.com).');
  }
  if (!isHttpUrl(loginUrl)) throw new StsFault(400, 'InvalidParameter.LoginUrl', 'The parameter LoginUrl must be an http(s) URL.');

  const ticket = ctx.sessions.ticket(tokenText);
  if (!ticket) throw new StsFault(400, 'InvalidSigninToken.NotFound', 'Specified SigninToken is not valid.');
  if (ticket.used) throw new StsFault(400, 'InvalidSigninToken.Used', 'Specified SigninToken was used already.');
  const now = ctx.now();
  if (now >= ticket.expiresAt) throw new StsFault(400, 'InvalidSigninToken.Expired', 'Specified SigninToken is expired.');
  const session = ctx.sessions.byAccessKeyId(ticket.sessionKeyId);
  if (!session || now >= session.expiresAt) throw Faults.tokenExpired();
  ticket.used = true;

  const c = ctx.sessions.newConsole(session, destination, loginUrl, now);
  return { kind: 'redirect', location: `${ctx.baseUrl}/console?session=${encodeURIComponent(c.id)}`, code: 'Success' };
}

/** Official console URL: https and a host under console.aliyun.com / console.alibabacloud.com. */
export function isConsoleUrl(value: string): boolean {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username !== '' || u.password !== '') return false;
  return ['console.aliyun.com', 'console.alibabacloud.com'].some((d) => u.hostname === d || u.hostname.endsWith(`.${d}`));
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The /console page: status and HTML. */
export function renderConsole(sessionId: string | null, ctx: FederationContext): { status: number; html: string } {
  const c = sessionId ? ctx.sessions.console(sessionId) : undefined;
  if (!c) return { status: 404, html: page('Not signed in', '<p>No console session. Sign in again through the federation Login.</p>') };
  const s: StsSession = c.session;
  if (ctx.now() >= s.expiresAt) {
    return { status: 401, html: page('Session expired', `<p>The console session has expired.</p><p><a href="${esc(c.loginUrl)}">Sign in again</a></p>`) };
  }
  const alias = ctx.world.getAccount(s.accountId)?.alias ?? s.accountId;
  const body = `<p class="who" data-role-arn="${esc(s.roleArn)}" data-session-name="${esc(s.sessionName)}">Signed in as role <b>${esc(s.roleName)}</b> in account <b>${esc(alias)}</b> (${esc(s.accountId)})</p>
<table>
<tr><th>Identity</th><td>${esc(`acs:ram::${s.accountId}:assumed-role/${s.roleName}/${s.sessionName}`)}</td></tr>
<tr><th>Role ARN</th><td>${esc(s.roleArn)}</td></tr>
<tr><th>Session name</th><td>${esc(s.sessionName)}</td></tr>
<tr><th>Session expires</th><td>${esc(formatExpiration(s.expiresAt))}</td></tr>
<tr><th>Destination</th><td>${esc(c.destination)}</td></tr>
</table>
<p class="note">This is the RoleTray sandbox's stand-in for the Alibaba Cloud console. No real cloud is involved.</p>`;
  return { status: 200, html: page(`Console: ${s.roleName}@${alias}`, body) };
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)} - RoleTray sandbox</title>
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}th{text-align:left;padding-right:1rem}.note{color:#666}</style>
</head><body><h1>${esc(title)}</h1>
${body}
</body></html>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
