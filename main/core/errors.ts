/**
 * Typed errors of RoleTray. Every failure the user can see is a RoleTrayError with a one-line
 * message (what went wrong) and a hint (what to do). Messages never contain secrets.
 */
import type { ErrorView } from './common/model';

export type ErrorCode =
  | 'invalid-input' // bad usage or invalid value: CLI exit 2
  | 'not-found' // unknown identity/role: CLI exit 2
  | 'conflict' // name or profile clash: CLI exit 2
  | 'sts' // STS answered with an error
  | 'network' // STS unreachable, timeout, malformed answer
  | 'keychain' // OS keychain unavailable or locked
  | 'config-file' // aliyun CLI config unreadable/invalid
  | 'catalog' // RoleTray catalog unreadable/invalid
  | 'io'; // other file errors

export interface RoleTrayErrorOptions {
  hint?: string | undefined;
  retryable?: boolean | undefined;
  stsCode?: string | undefined;
  requestId?: string | undefined;
  httpStatus?: number | undefined;
  cause?: unknown;
}

export class RoleTrayError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly retryable: boolean;
  readonly stsCode: string | undefined;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;

  constructor(code: ErrorCode, message: string, opts: RoleTrayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RoleTrayError';
    this.code = code;
    this.hint = opts.hint ?? '';
    this.retryable = opts.retryable ?? false;
    this.stsCode = opts.stsCode;
    this.requestId = opts.requestId;
    this.httpStatus = opts.httpStatus;
  }

  /** Exit code of the CLI contract: 2 for bad usage/input, 1 for failed operations. */
  get exitCode(): 1 | 2 {
    return this.code === 'invalid-input' || this.code === 'not-found' || this.code === 'conflict' ? 2 : 1;
  }

  /** One line: message, STS code and RequestId, then what to do. */
  oneLine(): string {
    const tags = [this.stsCode, this.requestId ? `RequestId ${this.requestId}` : undefined].filter(Boolean);
    const tagText = tags.length > 0 ? ` (${tags.join(', ')})` : '';
    return `${this.message}${tagText}${this.hint ? `: ${this.hint}` : ''}`;
  }

  toView(): ErrorView {
    return {
      code: this.code,
      message: this.message,
      hint: this.hint,
      stsCode: this.stsCode,
      requestId: this.requestId,
      retryable: this.retryable,
    };
  }
}

export function invalid(message: string, hint = ''): RoleTrayError {
  return new RoleTrayError('invalid-input', message, { hint });
}

export function notFound(message: string, hint = ''): RoleTrayError {
  return new RoleTrayError('not-found', message, { hint });
}

/** Wrap anything thrown into a RoleTrayError without leaking its text when it may hold secrets. */
export function asRoleTrayError(e: unknown): RoleTrayError {
  if (e instanceof RoleTrayError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new RoleTrayError('io', `unexpected error: ${redact(msg)}`, { cause: e });
}

/** Registry of secret values seen in this process, so any text can be scrubbed before it is shown or logged. */
const knownSecrets = new Set<string>();

/** Bound on remembered secrets: old STS secrets expire; keeping all would grow without end. */
const MAX_KNOWN_SECRETS = 256;

/** Long-lived secrets (AccessKey secrets): never forgotten. */
const pinnedSecrets = new Set<string>();

/** Remember a secret so redact() removes it; `pinned` for long-lived keys, which are never evicted. */
export function registerSecret(value: string | undefined, pinned = false): void {
  if (!value || value.length < 6) return;
  if (pinned) {
    pinnedSecrets.add(value);
    return;
  }
  knownSecrets.delete(value);
  knownSecrets.add(value); // most recent last
  if (knownSecrets.size > MAX_KNOWN_SECRETS) {
    const oldest = knownSecrets.values().next().value;
    if (oldest !== undefined) knownSecrets.delete(oldest);
  }
}

export function redact(text: string): string {
  let out = text;
  for (const set of [pinnedSecrets, knownSecrets]) {
    for (const s of set) {
      if (out.includes(s)) out = out.split(s).join('[redacted]');
    }
  }
  // Shapes of secrets even when not registered: signatures in query strings, security tokens.
  out = out.replace(/((?:AccessKeySecret|SecurityToken|Signature|access_key_secret|sts_token)["'=:\s]+)[^\s"'&,}]+/gi, '$1[redacted]');
  return out;
}
