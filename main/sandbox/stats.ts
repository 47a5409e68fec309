/**
 * Counters of the sandbox: calls per action and per result code, server time, concurrency and
 * the last calls. Records AccessKey IDs only, never secrets or tokens.
 */

export interface CallRecord {
  /** Wall-clock time the call arrived (ms since epoch). */
  at: number;
  /** STS action, `GetSigninToken`/`Login`/`Console`/`federation` for the sign-in stand-in, or `unknown`. */
  action: string;
  accessKeyId: string | undefined;
  /** `Success` or the error code. */
  code: string;
  status: number;
  /** `v2`, `v3` or `none` (unsigned, e.g. the federation endpoint). */
  signature: 'v2' | 'v3' | 'none';
  /** Server time for this call, including injected delays. */
  ms: number;
}

export interface SandboxStats {
  /** Calls that ended (answered, or dropped: a hung call counts when the client leaves or the sandbox closes). */
  readonly total: number;
  /** Calls per action (`AssumeRole`, `GetCallerIdentity`, `GetSigninToken`, `Login`, `Console`, `federation`, `unknown`). */
  readonly calls: Readonly<Record<string, number>>;
  /** Calls per result code (`Success` or the error Code). */
  readonly byCode: Readonly<Record<string, number>>;
  /** Sum of server time in ms, from request arrival to the answer written, including injected delays. */
  readonly processingMs: number;
  readonly inFlight: number;
  readonly maxConcurrent: number;
  /** The last calls, oldest first (at most 100). */
  readonly recent: readonly CallRecord[];
  reset(): void;
}

export const RECENT_LIMIT = 100;

export class StatsRecorder implements SandboxStats {
  total = 0;
  calls: Record<string, number> = {};
  byCode: Record<string, number> = {};
  processingMs = 0;
  inFlight = 0;
  maxConcurrent = 0;
  recent: CallRecord[] = [];

  begin(): void {
    this.inFlight += 1;
    if (this.inFlight > this.maxConcurrent) this.maxConcurrent = this.inFlight;
  }

  end(rec: CallRecord): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.total += 1;
    this.calls[rec.action] = (this.calls[rec.action] ?? 0) + 1;
    this.byCode[rec.code] = (this.byCode[rec.code] ?? 0) + 1;
    this.processingMs += rec.ms;
    this.recent.push(rec);
    if (this.recent.length > RECENT_LIMIT) this.recent.splice(0, this.recent.length - RECENT_LIMIT);
  }

  /** A request that ended without an answer (hang fault, client gone, sandbox closed): code `NoAnswer`, no server time. */
  abandon(rec: CallRecord): void {
    this.end({ ...rec, code: 'NoAnswer', status: 0, ms: 0 });
  }

  reset(): void {
    this.total = 0;
    this.calls = {};
    this.byCode = {};
    this.processingMs = 0;
    this.maxConcurrent = this.inFlight;
    this.recent = [];
  }
}
