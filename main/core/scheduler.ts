/**
 * RefreshScheduler: refreshes live sessions before they expire.
 *
 * - One timer for the earliest due session (no polling): due = expiresAt - lead - jitter.
 * - Retryable failures back off exponentially and keep the old credentials until they expire;
 *   permanent failures mark the session `error` and stop retrying.
 * - At most `maxConcurrent` STS refreshes run at once; their profile writes coalesce into one.
 * - kick() (wake from sleep, network back, start-up) refreshes everything already due.
 * - Time comes from an injectable Clock so tests run a day of refreshes in milliseconds.
 */
import type { SessionManager } from './session-manager';
import type { Clock } from './ports';
import { asRoleTrayError } from './errors';

export interface SchedulerNotice {
  kind: 'expiring' | 'failed';
  role: string;
  message: string;
}

export interface SchedulerOptions {
  clock?: Clock;
  /** Upper bound of the random spread added before the lead time (ms). Default 60 s. */
  jitterMaxMs?: number;
  maxConcurrent?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  /** Sessions due within this window of a due one refresh in the same burst (one config write). Default 60 s. */
  batchWindowMs?: number;
  /** Warn this long before expiry when no refresh has succeeded. Default 2 minutes. */
  expiringWarnMs?: number;
  onNotice?: (n: SchedulerNotice) => void;
}

interface Track {
  /** expiresAt the jitter was drawn for. */
  forExpiry: number;
  jitter: number;
  attempts: number;
  retryAt: number | null;
  warned: boolean;
}

export interface SchedulerStats {
  refreshes: number;
  failures: number;
  peakConcurrent: number;
  /** Sessions seen expired while a refresh could still have succeeded (should stay 0). */
  expiredUnrefreshed: number;
}

export class RefreshScheduler {
  private readonly clock: Clock;
  private readonly opts: Required<Omit<SchedulerOptions, 'clock' | 'onNotice'>> & Pick<SchedulerOptions, 'onNotice'>;
  private readonly tracks = new Map<string, Track>();
  private timer: unknown = null;
  private timerAt = Infinity;
  private running = 0;
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly active = new Set<Promise<void>>();
  private started = false;
  private releaseWriter: (() => void) | null = null;
  private replanPending = false;
  readonly stats: SchedulerStats = { refreshes: 0, failures: 0, peakConcurrent: 0, expiredUnrefreshed: 0 };
  private readonly onChange = (): void => this.requestReplan();

  constructor(
    private readonly manager: SessionManager,
    opts: SchedulerOptions = {},
  ) {
    this.clock = opts.clock ?? manager.clock;
    this.opts = {
      jitterMaxMs: opts.jitterMaxMs ?? 60_000,
      maxConcurrent: opts.maxConcurrent ?? 4,
      backoffBaseMs: opts.backoffBaseMs ?? 5_000,
      backoffMaxMs: opts.backoffMaxMs ?? 5 * 60_000,
      random: opts.random ?? Math.random,
      expiringWarnMs: opts.expiringWarnMs ?? 2 * 60_000,
      batchWindowMs: opts.batchWindowMs ?? 60_000,
      onNotice: opts.onNotice,
    };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.manager.on('change', this.onChange);
    this.plan();
  }

  stop(): void {
    this.started = false;
    this.releaseWriter?.();
    this.releaseWriter = null;
    this.manager.off('change', this.onChange);
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  /** Wake, network return or start-up: refresh every session that is due now, then re-plan. */
  async kick(): Promise<void> {
    this.plan();
    await this.idle();
  }

  /** Resolves when no refresh is running or queued. */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.queue.length > 0) {
      await Promise.allSettled([...this.active]);
    }
    await this.manager.writer.flush();
  }

  private leadMs(): number {
    return (this.manager.lastCatalog?.settings.refreshLeadSeconds ?? 300) * 1000;
  }

  /** When a role should next be refreshed, or null if it needs nothing. */
  dueAt(role: string): number | null {
    const live = this.manager.liveSession(role);
    if (!live?.creds || live.state === 'stopped' || live.state === 'error') return null;
    const exp = live.creds.expiresAt;
    let t = this.tracks.get(role);
    if (!t || t.forExpiry !== exp) {
      const life = Math.max(0, exp - (live.issuedAt ?? exp));
      const spread = Math.min(this.opts.jitterMaxMs, life * 0.1);
      t = { forExpiry: exp, jitter: Math.floor(this.opts.random() * spread), attempts: 0, retryAt: null, warned: false };
      this.tracks.set(role, t);
    }
    if (t.retryAt !== null) return t.retryAt;
    // Credentials shorter-lived than the lead time (STS cut them short) refresh at half-life,
    // not immediately, so a run of short answers cannot turn into a tight loop.
    const life = Math.max(0, exp - (live.issuedAt ?? exp));
    const lead = Math.min(this.leadMs(), life / 2);
    return exp - lead - Math.min(t.jitter, life / 4);
  }

  private requestReplan(): void {
    if (this.replanPending || !this.started) return;
    this.replanPending = true;
    queueMicrotask(() => {
      this.replanPending = false;
      if (this.started) this.plan();
    });
  }

  /** Enqueue what is due and arm one timer for the next due time. */
  private plan(): void {
    const now = this.clock.now();
    let next = Infinity;
    const roles = new Set(this.manager.activeRoles());
    for (const name of [...this.tracks.keys()]) if (!roles.has(name)) this.tracks.delete(name);
    const dues: Array<[string, number]> = [];
    for (const role of roles) {
      const due = this.dueAt(role);
      if (due === null) continue;
      this.checkExpiring(role, now);
      dues.push([role, due]);
    }
    // When something is due, sessions due within the batch window join it: one burst, one write.
    const anyDue = dues.some(([, due]) => due <= now);
    for (const [role, due] of dues) {
      const isRetry = this.tracks.get(role)?.retryAt != null;
      if (due <= now || (anyDue && !isRetry && due <= now + this.opts.batchWindowMs)) this.enqueue(role);
      else next = Math.min(next, due);
    }
    this.pump();
    this.arm(next);
  }

  private arm(at: number): void {
    if (at === this.timerAt && this.timer !== null) return;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = at;
    if (!Number.isFinite(at) || !this.started) return;
    const delay = Math.max(0, at - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.plan();
    }, delay);
  }

  private enqueue(role: string): void {
    if (this.queued.has(role)) return;
    this.queued.add(role);
    this.queue.push(role);
  }

  private pump(): void {
    // Hold the config writer for the whole burst: the refreshed profiles go out in one write.
    if (this.queue.length > 0 && this.releaseWriter === null) this.releaseWriter = this.manager.writer.hold();
    while (this.running < this.opts.maxConcurrent && this.queue.length > 0) {
      const role = this.queue.shift()!;
      this.running++;
      this.stats.peakConcurrent = Math.max(this.stats.peakConcurrent, this.running);
      const p: Promise<void> = this.refreshOne(role).finally(() => {
        this.running--;
        this.queued.delete(role);
        this.active.delete(p);
        this.pump();
        if (this.running === 0 && this.queue.length === 0 && this.releaseWriter) {
          this.releaseWriter();
          this.releaseWriter = null;
        }
        this.requestReplan();
      });
      this.active.add(p);
    }
  }

  private checkExpiring(role: string, now: number): void {
    const live = this.manager.liveSession(role);
    const t = this.tracks.get(role);
    if (!live?.creds || !t) return;
    const left = live.creds.expiresAt - now;
    if (t.attempts > 0 && left > 0 && left <= this.leadMs()) this.manager.markState(role, 'expiring');
    if (t.attempts > 0 && !t.warned && left > 0 && left <= this.opts.expiringWarnMs) {
      t.warned = true;
      this.opts.onNotice?.({ kind: 'expiring', role, message: `${role} expires in ${Math.ceil(left / 60_000)} min and could not be refreshed` });
    }
  }

  private async refreshOne(role: string): Promise<void> {
    const before = this.manager.liveSession(role)?.creds?.expiresAt ?? 0;
    const t = this.tracks.get(role);
    const now = this.clock.now();
    if (before <= now && (t?.attempts ?? 0) === 0) this.stats.expiredUnrefreshed++;
    try {
      // Reuse only a session strictly newer than ours (another process may have refreshed it).
      await this.manager.credentials(role, { minRemainingMs: Math.max(0, before - now) + 1, deferWrite: true });
      this.stats.refreshes++;
      this.tracks.delete(role);
    } catch (e) {
      this.stats.failures++;
      const err = asRoleTrayError(e);
      if (!err.retryable) {
        this.tracks.delete(role);
        this.opts.onNotice?.({ kind: 'failed', role, message: `${role}: ${err.message}` });
        return;
      }
      if (t) {
        t.attempts++;
        const backoff = Math.min(this.opts.backoffMaxMs, this.opts.backoffBaseMs * 2 ** (t.attempts - 1));
        t.retryAt = this.clock.now() + Math.floor(backoff * (0.5 + this.opts.random() * 0.5));
        this.checkExpiring(role, this.clock.now());
      }
    }
  }
}
