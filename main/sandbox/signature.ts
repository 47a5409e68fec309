/**
 * Alibaba Cloud request signing: the classic RPC signature (HMAC-SHA1, "V2") and the V3
 * ACS3-HMAC-SHA256 signature, as described in shared/STS-REFERENCE.md section 4.
 *
 * The sandbox uses these helpers to verify requests; tests and tools use them to sign requests.
 * Pure functions over strings and Buffers (node:crypto only). Nothing here logs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const V3_ALGORITHM = 'ACS3-HMAC-SHA256';
/** hex(sha256('')): the x-acs-content-sha256 of an empty body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Percent-encode per RFC 3986 over UTF-8.
 *
 * Leaves `A-Z a-z 0-9 - _ . ~` as they are and encodes everything else with uppercase hex, so a
 * space is `%20`, `*` is `%2A` and `~` stays literal. Lone surrogates (not valid UTF-16) are
 * encoded as U+FFFD instead of throwing.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\uFFFD')).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Compare two strings in constant time (for signatures). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}

/** Lowercase hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// V2: classic RPC signature, HMAC-SHA1
// ---------------------------------------------------------------------------------------------

/**
 * The V2 CanonicalizedQueryString: every parameter except `Signature`, keys sorted by code unit
 * order, key and value percent-encoded, joined as `k=v` with `&`.
 */
export function v2CanonicalizedQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
}

/** V2 StringToSign: `METHOD&%2F&percentEncode(CanonicalizedQueryString)`. */
export function v2StringToSign(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(v2CanonicalizedQuery(params))}`;
}

/** V2 signature of a StringToSign: Base64(HMAC-SHA1(key = secret + "&", stringToSign)). */
export function v2SignString(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/** Sign a V2 request: returns the StringToSign and the Base64 signature. */
export function v2Sign(
  method: string,
  params: Readonly<Record<string, string>>,
  accessKeySecret: string,
): { stringToSign: string; signature: string } {
  const stringToSign = v2StringToSign(method, params);
  return { stringToSign, signature: v2SignString(stringToSign, accessKeySecret) };
}

// ---------------------------------------------------------------------------------------------
// V3: ACS3-HMAC-SHA256
// ---------------------------------------------------------------------------------------------

/** A header map as node:http delivers it (names lowercase, values joined or split). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * V3 CanonicalQueryString from decoded name/value pairs: names and values percent-encoded,
 * sorted by encoded name then encoded value, `k=v` (or `k=` for an empty value) joined with `&`.
 */
export function v3CanonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** Header names a V3 signature must or may cover: `host`, `content-type` and every `x-acs-*`. */
export function isV3SignableHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'host' || n === 'content-type' || n.startsWith('x-acs-');
}

/**
 * V3 CanonicalHeaders for the given signed header names: `name:value\n` per header in sorted
 * lowercase-name order; values trimmed; several values of one header sorted and joined with `,`.
 * A listed header that is absent contributes an empty value.
 */
export function v3CanonicalHeaders(headers: HeaderBag, signedHeaders: readonly string[]): string {
  const lower = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const list = lower.get(key) ?? [];
    for (const v of typeof value === 'string' ? [value] : value) list.push(v.trim());
    lower.set(key, list);
  }
  return [...signedHeaders]
    .map((h) => h.toLowerCase())
    .sort(compare)
    .map((h) => `${h}:${[...(lower.get(h) ?? [''])].sort(compare).join(',')}\n`)
    .join('');
}

/** The names a client would sign: every present host/content-type/x-acs-* header, lowercase, sorted. */
export function v3DefaultSignedHeaders(headers: HeaderBag): string[] {
  return [...new Set(Object.keys(headers).filter((h) => headers[h] !== undefined && isV3SignableHeader(h)).map((h) => h.toLowerCase()))].sort(
    compare,
  );
}

export interface V3CanonicalInput {
  method: string;
  /** Canonical URI; `/` for RPC APIs. */
  path?: string;
  /** Decoded query pairs. */
  query: ReadonlyArray<readonly [string, string]>;
  headers: HeaderBag;
  signedHeaders: readonly string[];
  /** Lowercase hex SHA-256 of the body (the x-acs-content-sha256 value). */
  payloadHash: string;
}

/** `METHOD\nURI\nQuery\nCanonicalHeaders\nSignedHeaders\nHashedPayload`. */
export function v3CanonicalRequest(input: V3CanonicalInput): string {
  const signed = [...input.signedHeaders].map((h) => h.toLowerCase()).sort(compare);
  return [
    input.method.toUpperCase(),
    input.path ?? '/',
    v3CanonicalQuery(input.query),
    v3CanonicalHeaders(input.headers, signed),
    signed.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** `ACS3-HMAC-SHA256\n` + hex(sha256(canonicalRequest)). */
export function v3StringToSign(canonicalRequest: string): string {
  return `${V3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** hex(HMAC-SHA256(key = secret, no "&" suffix, stringToSign)), lowercase. */
export function v3SignString(stringToSign: string, accessKeySecret: string): string {
  return createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
}

/** Sign a V3 request: canonical request, StringToSign, signature and the Authorization value. */
export function v3Sign(
  input: V3CanonicalInput,
  accessKeyId: string,
  accessKeySecret: string,
): { canonicalRequest: string; stringToSign: string; signature: string; authorization: string } {
  const canonicalRequest = v3CanonicalRequest(input);
  const stringToSign = v3StringToSign(canonicalRequest);
  const signature = v3SignString(stringToSign, accessKeySecret);
  const signed = [...input.signedHeaders].map((h) => h.toLowerCase()).sort(compare);
  const authorization = `${V3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signed.join(';')},Signature=${signature}`;
  return { canonicalRequest, stringToSign, signature, authorization };
}

export interface V3Authorization {
  algorithm: string;
  credential: string;
  signedHeaders: string[];
  signature: string;
}

/**
 * Parse `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<h1;h2>,Signature=<hex>`.
 *
 * Returns null when the value is not of that shape (any algorithm name starting `ACS3-` is
 * returned as is, so the caller can reject unsupported ones with its own error).
 */
export function parseV3Authorization(value: string): V3Authorization | null {
  const m = /^(ACS3-[A-Z0-9-]+)\s+(.*)$/.exec(value.trim());
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const fields = new Map<string, string>();
  for (const part of m[2].split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) return null;
  return {
    algorithm: m[1],
    credential,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()).filter((h) => h.length > 0),
    signature,
  };
}

/** `yyyy-MM-ddTHH:mm:ssZ` for a millisecond timestamp (the Timestamp / x-acs-date format). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
