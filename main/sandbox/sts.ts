/**
 * The STS request pipeline of the sandbox: parse a request, authenticate it exactly as STS does
 * (V2 RPC HMAC-SHA1 or V3 ACS3-HMAC-SHA256), then run AssumeRole or GetCallerIdentity.
 *
 * Check order (STS-REFERENCE "Suggested emulator check order"): required common params ->
 * signature method/version/action -> AccessKeyId known -> key active -> timestamp window ->
 * nonce reuse -> signature -> security token -> throttling -> action parameters -> role exists ->
 * permission + trust -> ExternalId condition -> duration <= MaxSessionDuration.
 */
import { checkPolicy, EXTERNAL_ID_RE, MAX_DURATION, MIN_DURATION, parseRoleArn, SESSION_NAME_RE } from '../core/common/validate';
import { Faults, StsFault } from './errors';
import type { SessionStore, StsSession } from './sessions';
import {
  parseV3Authorization,
  safeEqual,
  sha256Hex,
  v2Sign,
  V3_ALGORITHM,
  v3Sign,
  type HeaderBag,
  type V3Authorization,
} from './signature';
import { sessionPolicyAllows, type AccessKey, type Caller, type DemoWorld, type RamRole } from './world';

export const STS_VERSION = '2015-04-01';
export const STS_ACTIONS = ['AssumeRole', 'GetCallerIdentity'] as const;
export type StsAction = (typeof STS_ACTIONS)[number];

/** A request as the server hands it over: decoded query pairs, raw headers and body. */
export interface RawStsRequest {
  method: string;
  path: string;
  query: Array<[string, string]>;
  /** node:http `headersDistinct`: lowercase names, every value. */
  headers: Readonly<Record<string, readonly string[] | undefined>>;
  body: Buffer;
}

/** A parsed, not yet authenticated request. */
export interface ParsedStsRequest {
  raw: RawStsRequest;
  style: 'v2' | 'v3';
  action: string | undefined;
  accessKeyId: string | undefined;
  /** V2: query + body (body wins); V3: query + body action parameters. Signature excluded. */
  params: Map<string, string>;
  /** V2 only: the Signature sent. */
  v2Signature?: string | undefined;
  v3Auth?: V3Authorization | undefined;
}

export interface StsSettings {
  chainedCap: boolean;
  timestampWindowSeconds: number;
  now: () => number;
}

export interface StsContext {
  world: DemoWorld;
  sessions: SessionStore;
  nonces: NonceCache;
  throttle: Throttle | undefined;
  settings: StsSettings;
  /** Seconds the server adds to its clock when checking timestamps (fault injection). */
  clockSkewSeconds: number;
  /** Called when an AssumeRole succeeds: true means "issue a session that expires in ~60 s". */
  takeEarlyExpiry: () => boolean;
}

export interface StsSuccess {
  status: 200;
  body: Record<string, unknown>;
}

export type StsResult = StsSuccess | StsFault;

/** Header value as one string (several values joined like node:http does). */
export function header(headers: RawStsRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : v.join(', ');
}

/**
 * Decode `k=v&k2=v2` (query string or x-www-form-urlencoded body): `+` is a space, `%XX` is
 * UTF-8. Throws StsFault on malformed percent-encoding.
 */
export function decodeForm(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (text.length === 0) return out;
  for (const part of text.split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    try {
      out.push([decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))]);
    } catch {
      throw Faults.badEncoding();
    }
  }
  return out;
}

/** Parameters carried in the body (form or JSON); an unknown content type with a body is an error. */
function bodyParams(raw: RawStsRequest): Array<[string, string]> {
  if (raw.body.length === 0) return [];
  const ct = (header(raw.headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (ct === 'application/x-www-form-urlencoded') return decodeForm(raw.body.toString('utf8'));
  if (ct === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.body.toString('utf8'));
    } catch {
      throw new StsFault(400, 'InvalidParameter', 'The request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new StsFault(400, 'InvalidParameter', 'The JSON request body must be an object.');
    }
    return Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  throw Faults.contentType();
}

/**
 * Work out the signing style, action and AccessKeyId of a request. Cheap and done before faults
 * are applied, so faults can target an action. Throws StsFault for unparseable requests.
 */
export function parseStsRequest(raw: RawStsRequest): ParsedStsRequest {
  const authorization = header(raw.headers, 'authorization');
  const fromBody = bodyParams(raw);
  const params = new Map<string, string>();
  for (const [k, v] of raw.query) params.set(k, v);
  for (const [k, v] of fromBody) params.set(k, v);

  if (authorization !== undefined && authorization.startsWith('ACS3-')) {
    const v3Auth = parseV3Authorization(authorization) ?? undefined;
    return {
      raw,
      style: 'v3',
      action: header(raw.headers, 'x-acs-action'),
      accessKeyId: v3Auth?.credential,
      params,
      v3Auth,
    };
  }
  const v2Signature = params.get('Signature');
  params.delete('Signature');
  if (v2Signature === undefined) {
    // Neither style: report it as a V2 request without its Signature.
    return { raw, style: 'v2', action: params.get('Action') ?? header(raw.headers, 'x-acs-action'), accessKeyId: params.get('AccessKeyId'), params };
  }
  return { raw, style: 'v2', action: params.get('Action'), accessKeyId: params.get('AccessKeyId'), params, v2Signature };
}

/** Authenticate and run a parsed request. Never throws for client errors: returns the StsFault. */
export function processSts(req: ParsedStsRequest, ctx: StsContext): StsResult {
  try {
    const caller = authenticate(req, ctx);
    if (ctx.throttle && !ctx.throttle.allow()) return Faults.throttled();
    switch (req.action as StsAction) {
      case 'AssumeRole':
        return assumeRole(req.params, caller, ctx);
      case 'GetCallerIdentity':
        return getCallerIdentity(caller);
      default:
        return Faults.invalidAction();
    }
  } catch (e) {
    if (e instanceof StsFault) return e;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

type KeyRecord = { kind: 'user'; key: AccessKey } | { kind: 'sts'; session: StsSession };

const V2_REQUIRED = ['Action', 'Version', 'AccessKeyId', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp'] as const;
const V3_REQUIRED = ['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256'] as const;

function authenticate(req: ParsedStsRequest, ctx: StsContext): Caller {
  return req.style === 'v3' ? authenticateV3(req, ctx) : authenticateV2(req, ctx);
}

function authenticateV2(req: ParsedStsRequest, ctx: StsContext): Caller {
  const p = req.params;
  for (const name of V2_REQUIRED) if (!p.get(name)) throw Faults.missingParameter(name);
  if (req.v2Signature === undefined || req.v2Signature === '') throw Faults.missingParameter('Signature');
  if (p.get('SignatureMethod') !== 'HMAC-SHA1') throw Faults.incompleteSignature('SignatureMethod must be HMAC-SHA1.');
  if (p.get('SignatureVersion') !== '1.0') throw Faults.incompleteSignature('SignatureVersion must be 1.0.');
  checkVersionAndAction(p.get('Version'), p.get('Action'));

  const accessKeyId = p.get('AccessKeyId') ?? '';
  const key = lookupKey(accessKeyId, ctx);
  checkTimestamp(p.get('Timestamp') ?? '', ctx);
  const nonce = p.get('SignatureNonce') ?? '';
  ctx.nonces.check(accessKeyId, nonce);

  const signed = Object.fromEntries(p);
  const { stringToSign, signature } = v2Sign(req.raw.method, signed, secretOf(key));
  if (!safeEqual(signature, req.v2Signature)) throw Faults.signatureV2(stringToSign);
  ctx.nonces.remember(accessKeyId, nonce);

  return callerFor(key, p.get('SecurityToken'), ctx);
}

function authenticateV3(req: ParsedStsRequest, ctx: StsContext): Caller {
  const auth = req.v3Auth;
  if (!auth) throw Faults.incompleteSignature();
  if (auth.algorithm !== V3_ALGORITHM) throw Faults.incompleteSignature(`Signature algorithm ${auth.algorithm} is not supported.`);
  const h = req.raw.headers;
  for (const name of V3_REQUIRED) if (!header(h, name)) throw Faults.missingParameter(name);
  const mustSign = Object.keys(h).filter((n) => n === 'host' || n.startsWith('x-acs-'));
  const unsigned = mustSign.filter((n) => !auth.signedHeaders.includes(n));
  if (unsigned.length > 0) throw Faults.incompleteSignature(`SignedHeaders must include ${unsigned.sort().join(';')}.`);
  checkVersionAndAction(header(h, 'x-acs-version'), header(h, 'x-acs-action'));

  const key = lookupKey(auth.credential, ctx);
  checkTimestamp(header(h, 'x-acs-date') ?? '', ctx);
  const nonce = header(h, 'x-acs-signature-nonce') ?? '';
  ctx.nonces.check(auth.credential, nonce);

  const payloadHash = (header(h, 'x-acs-content-sha256') ?? '').toLowerCase();
  if (payloadHash !== sha256Hex(req.raw.body)) {
    throw Faults.signatureV3(' The x-acs-content-sha256 header does not match the SHA-256 of the request body.');
  }
  const input = { method: req.raw.method, path: req.raw.path, query: req.raw.query, headers: h as HeaderBag, signedHeaders: auth.signedHeaders, payloadHash };
  const { stringToSign, signature } = v3Sign(input, auth.credential, secretOf(key));
  if (!safeEqual(signature, auth.signature.toLowerCase())) {
    // The canonical request is echoed with the security token masked: never echo credentials.
    const token = header(h, 'x-acs-security-token');
    const masked = token ? { ...h, 'x-acs-security-token': ['***'] } : h;
    const shown = v3Sign({ ...input, headers: masked as HeaderBag }, auth.credential, '').canonicalRequest;
    throw Faults.signatureV3(` server StringToSign is [${stringToSign}] server CanonicalRequest is [${shown}]`);
  }
  ctx.nonces.remember(auth.credential, nonce);

  return callerFor(key, header(h, 'x-acs-security-token'), ctx);
}

function checkVersionAndAction(version: string | undefined, action: string | undefined): void {
  if (version !== STS_VERSION) throw Faults.invalidVersion();
  if (!(STS_ACTIONS as readonly string[]).includes(action ?? '')) throw Faults.invalidAction();
}

function lookupKey(accessKeyId: string, ctx: StsContext): KeyRecord {
  if (accessKeyId.startsWith('STS.')) {
    const session = ctx.sessions.byAccessKeyId(accessKeyId);
    if (!session) throw Faults.keyNotFound();
    return { kind: 'sts', session };
  }
  const key = ctx.world.findKey(accessKeyId);
  if (!key) throw Faults.keyNotFound();
  if (!key.active) throw Faults.keyInactive();
  return { kind: 'user', key };
}

function secretOf(k: KeyRecord): string {
  return k.kind === 'user' ? k.key.accessKeySecret : k.session.accessKeySecret;
}

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function checkTimestamp(value: string, ctx: StsContext): void {
  const t = TIMESTAMP_RE.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw Faults.timestampFormat();
  // Real wall time, not the injectable sandbox clock: clients sign with their real clock.
  const serverNow = Date.now() + ctx.clockSkewSeconds * 1000;
  if (Math.abs(serverNow - t) > ctx.settings.timestampWindowSeconds * 1000) throw Faults.timestampExpired();
}

function callerFor(k: KeyRecord, token: string | undefined, ctx: StsContext): Caller {
  if (k.kind === 'user') {
    const user = ctx.world.getUser(k.key.userName, k.key.accountId);
    if (!user) throw Faults.keyNotFound(); // user deleted behind its key
    return { kind: 'user', user };
  }
  if (token === undefined || token === '') throw Faults.missingToken();
  const byToken = ctx.sessions.bySecurityToken(token);
  if (!byToken) throw Faults.tokenMalformed();
  if (byToken.accessKeyId !== k.session.accessKeyId) throw Faults.tokenMismatch();
  if (ctx.settings.now() >= byToken.expiresAt) throw Faults.tokenExpired();
  const s = byToken;
  return {
    kind: 'role',
    role: { name: s.roleName, accountId: s.accountId, arn: s.roleArn, roleId: s.roleId },
    sessionName: s.sessionName,
    policy: s.policy,
  };
}

// ---------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------

const SOURCE_IDENTITY_RE = /^[\w+=,.@-]{2,64}$/;

function assumeRole(p: Map<string, string>, caller: Caller, ctx: StsContext): StsResult {
  const arn = p.get('RoleArn');
  if (arn === undefined || arn === '') return Faults.missingParameter('RoleArn');
  if (!parseRoleArn(arn)) return Faults.roleArn();
  const sessionName = p.get('RoleSessionName');
  if (sessionName === undefined || sessionName === '') return Faults.missingParameter('RoleSessionName');
  if (!SESSION_NAME_RE.test(sessionName)) return Faults.sessionName();
  const durationText = p.get('DurationSeconds');
  let duration = 3600;
  if (durationText !== undefined) {
    if (!/^\d{1,6}$/.test(durationText)) return Faults.duration();
    duration = Number(durationText);
    if (duration < MIN_DURATION || duration > MAX_DURATION) return Faults.duration();
  }
  const externalId = p.get('ExternalId');
  if (externalId !== undefined && !EXTERNAL_ID_RE.test(externalId)) return Faults.externalId();
  const policy = p.get('Policy');
  if (policy !== undefined) {
    if (policy.length > 2048) return Faults.policySize();
    if (checkPolicy(policy) !== null) return Faults.policyGrammar();
  }
  const sourceIdentity = p.get('SourceIdentity');
  if (sourceIdentity !== undefined && (!SOURCE_IDENTITY_RE.test(sourceIdentity) || /^(acs|aliyun|alibabacloud):/i.test(sourceIdentity))) {
    return Faults.sourceIdentity();
  }

  const role = ctx.world.findRoleByArn(arn);
  if (!role) return Faults.roleNotFound();

  if (!callerMayAssumeRoles(caller, ctx)) return Faults.noPermission(denied(caller, role, 'AccountLevelIdentityBasedPolicy'));
  const trust = ctx.world.evaluateTrust(role, caller, externalId);
  if (!trust.allowed) return Faults.noPermission(denied(caller, role, 'AssumeRolePolicy'));

  let cap = role.maxSessionDuration;
  if (ctx.settings.chainedCap && caller.kind === 'role') cap = Math.min(cap, 3600);
  if (duration > cap) return Faults.duration();

  const nowSec = Math.floor(ctx.settings.now() / 1000) * 1000;
  const expiresAt = ctx.takeEarlyExpiry() ? nowSec + 60_000 : nowSec + duration * 1000;
  const session = ctx.sessions.issue(
    {
      expiresAt,
      roleArn: role.arn,
      roleName: role.name,
      roleId: role.roleId,
      accountId: role.accountId,
      sessionName,
      policy,
      sourceIdentity,
      issuedTo: caller.kind === 'user' ? caller.user.name : caller.role.arn,
    },
    ctx.settings.now(),
  );
  const body: Record<string, unknown> = {
    RequestId: '',
    AssumedRoleUser: { Arn: `acs:ram::${role.accountId}:role/${role.name}/${sessionName}`, AssumedRoleId: `${role.roleId}:${sessionName}` },
    Credentials: {
      AccessKeyId: session.accessKeyId,
      AccessKeySecret: session.accessKeySecret,
      SecurityToken: session.securityToken,
      Expiration: formatExpiration(session.expiresAt),
    },
  };
  if (sourceIdentity !== undefined) body['SourceIdentity'] = sourceIdentity;
  return { status: 200, body };
}

function getCallerIdentity(caller: Caller): StsResult {
  if (caller.kind === 'user') {
    const u = caller.user;
    return {
      status: 200,
      body: { RequestId: '', IdentityType: 'RAMUser', AccountId: u.accountId, Arn: u.arn, PrincipalId: u.userId, UserId: u.userId },
    };
  }
  const r = caller.role;
  return {
    status: 200,
    body: {
      RequestId: '',
      IdentityType: 'AssumedRoleUser',
      AccountId: r.accountId,
      Arn: `acs:ram::${r.accountId}:assumed-role/${r.name}/${caller.sessionName}`,
      PrincipalId: `${r.roleId}:${caller.sessionName}`,
      RoleId: r.roleId,
    },
  };
}

/** Whether the caller's own permissions include sts:AssumeRole. */
function callerMayAssumeRoles(caller: Caller, ctx: StsContext): boolean {
  if (caller.kind === 'user') return caller.user.allowAssumeRole;
  const source: RamRole | undefined = ctx.world.findRoleByArn(caller.role.arn);
  if (!source || !source.allowAssumeRole) return false;
  return sessionPolicyAllows(caller.policy, 'sts:AssumeRole');
}

function denied(caller: Caller, role: RamRole, policyType: string): Record<string, unknown> {
  return {
    AuthAction: 'sts:AssumeRole',
    AuthPrincipalDisplayName: caller.kind === 'user' ? caller.user.name : `${caller.role.name}:${caller.sessionName}`,
    AuthPrincipalOwnerId: caller.kind === 'user' ? caller.user.accountId : caller.role.accountId,
    AuthPrincipalType: caller.kind === 'user' ? 'SubUser' : 'AssumedRoleUser',
    AuthResource: role.arn,
    NoPermissionType: 'ImplicitDeny',
    PolicyType: policyType,
  };
}

/** `YYYY-MM-DDTHH:MM:SSZ` exactly (no milliseconds). */
export function formatExpiration(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------
// Nonces and throttling
// ---------------------------------------------------------------------------------------------

/** Nonces seen with a valid signature, remembered for twice the timestamp window. */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(windowSeconds: number, maxEntries = 200_000) {
    this.ttlMs = windowSeconds * 2000;
    this.maxEntries = maxEntries;
  }

  check(accessKeyId: string, nonce: string): void {
    const until = this.seen.get(`${accessKeyId}\n${nonce}`);
    if (until !== undefined && until > Date.now()) throw Faults.nonceUsed();
  }

  remember(accessKeyId: string, nonce: string): void {
    const now = Date.now();
    // Entries are in insertion order, which is expiry order: drop expired ones (and the oldest
    // when full) from the front.
    for (const [k, until] of this.seen) {
      if (until <= now || this.seen.size >= this.maxEntries) this.seen.delete(k);
      else break;
    }
    const key = `${accessKeyId}\n${nonce}`;
    this.seen.delete(key);
    this.seen.set(key, now + this.ttlMs);
  }

  get size(): number {
    return this.seen.size;
  }
}

/** At most `perSecond` authenticated calls in any sliding second (real time). */
export class Throttle {
  private readonly stamps: number[] = [];
  private readonly perSecond: number;

  constructor(perSecond: number) {
    this.perSecond = perSecond;
  }

  allow(now: number = Date.now()): boolean {
    while (this.stamps.length > 0 && (this.stamps[0] ?? 0) <= now - 1000) this.stamps.shift();
    if (this.stamps.length >= this.perSecond) return false;
    this.stamps.push(now);
    return true;
  }
}
