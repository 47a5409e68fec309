/**
 * Fault injection for the sandbox STS: make the next calls fail, stall or answer garbage, so
 * clients can be tested against the failures the real service and networks produce.
 */

export type FaultAction = 'AssumeRole' | 'GetCallerIdentity';

export type FaultKind =
  /** 500 InternalError (or 503 ServiceUnavailable with status 503) before any check. */
  | 'server-error'
  /** 400 Throttling.User before any check. */
  | 'throttle'
  /** Wait delayMs (default 1000), then answer normally. */
  | 'slow'
  /** Never answer; the request ends only when the sandbox closes. */
  | 'hang'
  /** Answer HTTP 200 with the answer's JSON cut in half. */
  | 'malformed'
  /** A successful AssumeRole issues credentials that expire about 60 s from now. */
  | 'early-expiry'
  /** Answer normally but with Content-Type text/html;charset=utf-8. */
  | 'wrong-content-type';

export interface FaultSpec {
  /** Only calls of this action; default any STS action. */
  action?: FaultAction | undefined;
  kind: FaultKind;
  /** How many calls it affects; default 1. Use Infinity for "until clear()". */
  times?: number | undefined;
  /** For 'slow': the delay; default 1000 ms. */
  delayMs?: number | undefined;
  /** For 'server-error': 500 (default) or 503. */
  status?: 500 | 503 | undefined;
}

export interface FaultController {
  inject(spec: FaultSpec): void;
  /** Remove every pending fault and reset clockSkewSeconds to 0. */
  clear(): void;
  /**
   * Seconds added to the server's clock when it checks request timestamps: with 3600 the server
   * thinks every client is an hour slow, so requests fail with InvalidTimeStamp.Expired.
   */
  clockSkewSeconds: number;
  /** Faults not used up yet. */
  readonly pending: ReadonlyArray<Readonly<FaultSpec> & { remaining: number }>;
}

interface Entry {
  spec: FaultSpec;
  remaining: number;
}

/** The sandbox's FaultController; `take` is used by the server. */
export class FaultInjector implements FaultController {
  clockSkewSeconds = 0;
  private entries: Entry[] = [];

  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times > 0)) throw new Error('times must be positive');
    if (spec.delayMs !== undefined && !(spec.delayMs >= 0)) throw new Error('delayMs must be >= 0');
    this.entries.push({ spec: { ...spec }, remaining: times });
  }

  clear(): void {
    this.entries = [];
    this.clockSkewSeconds = 0;
  }

  get pending(): ReadonlyArray<Readonly<FaultSpec> & { remaining: number }> {
    return this.entries.map((e) => ({ ...e.spec, remaining: e.remaining }));
  }

  /** Use up one matching fault of one of the given kinds (first injected first), if any. */
  take(action: string | undefined, kinds: readonly FaultKind[]): FaultSpec | undefined {
    const i = this.entries.findIndex((e) => kinds.includes(e.spec.kind) && (e.spec.action === undefined || e.spec.action === action));
    const entry = this.entries[i];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.splice(i, 1);
    return entry.spec;
  }
}
