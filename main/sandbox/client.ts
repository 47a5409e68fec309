/**
 * A minimal signed STS caller (fetch + the signature helpers), for tests, benchmarks and the
 * `roletray sandbox` smoke check. It exposes every knob a test needs to build a bad request
 * (timestamp, nonce, method, where the parameters go). Product code uses main/core/sts-client.
 */
import { randomBytes } from 'node:crypto';
import { formatTimestamp, sha256Hex, v2Sign, v3DefaultSignedHeaders, v3Sign } from './signature';

export interface CallerKey {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string | undefined;
}

export interface StsCallOptions {
  /** Base URL, e.g. http://127.0.0.1:PORT */
  url: string;
  action: string;
  /** Action parameters, e.g. RoleArn, RoleSessionName. */
  params?: Record<string, string> | undefined;
  credentials: CallerKey;
  /** Default 'v3'. */
  signature?: 'v2' | 'v3' | undefined;
  /** Default POST. */
  method?: 'GET' | 'POST' | undefined;
  /** Where action parameters go: the query string (default) or a form body (POST only). */
  paramsIn?: 'query' | 'body' | undefined;
  /** Request time in ms; default Date.now(). */
  timestamp?: number | undefined;
  /** Default 32 random hex digits. */
  nonce?: string | undefined;
  /** Default 2015-04-01. */
  version?: string | undefined;
  /** Sign with this secret instead of credentials.accessKeySecret (to provoke SignatureDoesNotMatch). */
  signingSecret?: string | undefined;
  /** Abort after this many ms. */
  timeoutMs?: number | undefined;
}

export interface StsCallResult {
  status: number;
  contentType: string | null;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: Record<string, unknown> | undefined;
  /** JSON `Code` of an error answer. */
  code: string | undefined;
}

/** Sign and send one STS call. Never throws for HTTP errors; network errors reject. */
export async function callSts(opts: StsCallOptions): Promise<StsCallResult> {
  const method = opts.method ?? 'POST';
  const paramsIn = opts.paramsIn ?? 'query';
  if (paramsIn === 'body' && method === 'GET') throw new Error('a GET request has no body');
  const base = new URL(opts.url);
  const secret = opts.signingSecret ?? opts.credentials.accessKeySecret;
  const nonce = opts.nonce ?? randomBytes(16).toString('hex');
  const timestamp = formatTimestamp(opts.timestamp ?? Date.now());
  const actionParams = { ...opts.params };
  const headers: Record<string, string> = { accept: 'application/json' };
  let query: Record<string, string> = {};
  let bodyText = '';

  if ((opts.signature ?? 'v3') === 'v2') {
    const common: Record<string, string> = {
      Action: opts.action,
      Version: opts.version ?? '2015-04-01',
      Format: 'JSON',
      AccessKeyId: opts.credentials.accessKeyId,
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: nonce,
      Timestamp: timestamp,
    };
    if (opts.credentials.securityToken) common['SecurityToken'] = opts.credentials.securityToken;
    const { signature } = v2Sign(method, { ...common, ...actionParams }, secret);
    query = paramsIn === 'query' ? { ...common, ...actionParams, Signature: signature } : { ...common, Signature: signature };
    if (paramsIn === 'body') bodyText = new URLSearchParams(actionParams).toString();
  } else {
    query = paramsIn === 'query' ? actionParams : {};
    if (paramsIn === 'body') bodyText = new URLSearchParams(actionParams).toString();
    headers['host'] = base.host;
    headers['x-acs-action'] = opts.action;
    headers['x-acs-version'] = opts.version ?? '2015-04-01';
    headers['x-acs-date'] = timestamp;
    headers['x-acs-signature-nonce'] = nonce;
    headers['x-acs-content-sha256'] = sha256Hex(bodyText);
    if (bodyText) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (opts.credentials.securityToken) {
      headers['x-acs-accesskey-id'] = opts.credentials.accessKeyId;
      headers['x-acs-security-token'] = opts.credentials.securityToken;
    }
    const signed = v3Sign(
      { method, path: '/', query: Object.entries(query), headers, signedHeaders: v3DefaultSignedHeaders(headers), payloadHash: headers['x-acs-content-sha256'] },
      opts.credentials.accessKeyId,
      secret,
    );
    headers['authorization'] = signed.authorization;
    delete headers['host']; // fetch sets Host itself (same value)
  }
  if (bodyText && !headers['content-type']) headers['content-type'] = 'application/x-www-form-urlencoded';

  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const res = await fetch(`${base.origin}/${qs ? `?${qs}` : ''}`, {
    method,
    headers,
    body: method === 'POST' && bodyText !== '' ? bodyText : undefined,
    signal: opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs),
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  const code = json && typeof json['Code'] === 'string' ? json['Code'] : undefined;
  return { status: res.status, contentType: res.headers.get('content-type'), text, json, code };
}
