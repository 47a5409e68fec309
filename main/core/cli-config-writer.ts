/**
 * Coalesces a burst of CLI config changes (a refresh wave, a "stop all") into one locked
 * read-modify-write of the file.
 */
import { ChangeApplier } from './cli-config-doc';
import type { ApplyResult, ConfigChange } from './cli-config-doc';
import type { CliConfigFile } from './cli-config-file';

interface Pending {
  change: ConfigChange;
  deferrable: boolean;
  resolve: (result: ApplyResult) => void;
  reject: (error: unknown) => void;
}

export interface CoalescingConfigWriterOptions {
  /** How long a batch stays open after its first change. Default 0: until the next macrotask. */
  delayMs?: number | undefined;
}

/**
 * Merges the changes enqueued while a write is pending or in flight into one write.
 *
 * At most one write is in flight and one batch waits behind it. Changes apply in enqueue order.
 * Each promise resolves with the result of the write that carried its change (the whole batch's
 * `changed`, `previousCurrent` and `clashes`: a caller checks `clashes.includes(name)`), or
 * rejects with its own error (e.g. a switch to a missing profile) without failing the others;
 * a failure of the whole write (invalid file, lock, I/O) rejects every change of the batch.
 */
export class CoalescingConfigWriter {
  readonly #file: CliConfigFile;
  readonly #managed: () => ReadonlySet<string>;
  readonly #delayMs: number;
  #pending: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inflight: Promise<void> | undefined;
  #writes = 0;
  #holds = 0;

  constructor(file: CliConfigFile, managed: () => ReadonlySet<string>, opts: CoalescingConfigWriterOptions = {}) {
    this.#file = file;
    this.#managed = managed;
    this.#delayMs = opts.delayMs ?? 0;
  }

  /** Physical writes of the file made by this writer. */
  get writes(): number {
    return this.#writes;
  }

  /**
   * Queue a change. A `deferrable` change (a background refresh: the profile on disk still holds
   * valid credentials) waits while the writer is held; any other change writes everything now.
   */
  enqueue(change: ConfigChange, opts: { deferrable?: boolean } = {}): Promise<ApplyResult> {
    return new Promise<ApplyResult>((resolve, reject) => {
      const deferrable = opts.deferrable ?? false;
      this.#pending.push({ change, deferrable, resolve, reject });
      if (!deferrable || this.#holds === 0) this.#schedule();
    });
  }

  /** Hold deferrable changes (a refresh burst) until the returned release is called: one write. */
  hold(): () => void {
    this.#holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#holds--;
      if (this.#holds === 0 && this.#pending.length > 0) this.#schedule();
    };
  }

  /** Write what is pending now and wait until nothing is pending or in flight. Never rejects. */
  async flush(): Promise<void> {
    while (this.#timer !== undefined || this.#inflight !== undefined || this.#pending.length > 0) {
      if (this.#timer !== undefined) {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
      if (this.#inflight === undefined) this.#start();
      await this.#inflight;
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#inflight !== undefined) return;
    // Not unref'd: a CLI process must not exit with a change still unwritten.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#start();
    }, this.#delayMs);
  }

  #start(): void {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#inflight = this.#write(batch).finally(() => {
      this.#inflight = undefined;
      if (this.#pending.length > 0 && (this.#holds === 0 || this.#pending.some((p) => !p.deferrable))) this.#schedule();
    });
  }

  async #write(batch: readonly Pending[]): Promise<void> {
    try {
      const managed = this.#managed();
      const outcome = await this.#file.modify((doc) => {
        const applier = new ChangeApplier(doc, managed);
        const errors = batch.map((item) => {
          try {
            applier.apply(item.change);
            return undefined;
          } catch (e) {
            return { error: e };
          }
        });
        return { ...applier.result(), errors };
      });
      const result: ApplyResult = { changed: outcome.changed, previousCurrent: outcome.previousCurrent, clashes: outcome.clashes };
      if (result.changed) this.#writes++;
      batch.forEach((item, k) => {
        const failed = outcome.errors[k];
        if (failed) item.reject(failed.error);
        else item.resolve(result);
      });
    } catch (e) {
      for (const item of batch) item.reject(e);
    }
  }
}
