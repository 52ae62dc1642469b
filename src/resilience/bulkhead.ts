import { type Clock, systemClock, type TimerHandle } from '../domain/clock.js';
import { providerOverloadError } from './limit-refusal.js';

/** Limits of one provider's bulkhead. */
export interface BulkheadSettings {
  /** Calls running at once. */
  maxConcurrent: number;
  /** Calls allowed to wait for a slot; one more is refused (`provider_overload`). */
  maxQueue: number;
  /** Longest a call may wait in the queue before it is refused (`provider_overload`). */
  queueTimeoutMs: number;
}

/** What `/api/providers` and the metrics show of one bulkhead. */
export interface BulkheadView extends BulkheadSettings {
  inUse: number;
  queued: number;
  /** Calls refused: queue full plus queue timeouts. */
  rejected: number;
  /** Of those, refused because they waited too long. */
  timedOut: number;
}

/** Told the caller's queue position (1 = next) on entry, on every move and every beat interval. */
export type QueuePositionListener = (position: number, queued: number) => void;

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  onPosition?: QueuePositionListener;
  timer: TimerHandle;
  cleanup: () => void;
}

/**
 * At most `maxConcurrent` calls of one provider at once (a local Ollama or Stable Diffusion
 * serves one or two at a time), the rest waiting first in, first out in a queue of at most
 * `maxQueue`, each for at most `queueTimeoutMs`. A full queue or a wait past the limit is a
 * `provider_overload` error. Waiting callers hear their queue position through
 * `onPosition`, at least every `beatEveryMs` (so patience sees them alive).
 *
 * @example
 * const bulkhead = new Bulkhead('ollama', { maxConcurrent: 1, maxQueue: 8, queueTimeoutMs: 120_000 });
 * const release = await bulkhead.acquire(signal);
 * try { return await call(); } finally { release(); }
 */
export class Bulkhead {
  private inUse = 0;
  private rejected = 0;
  private timedOut = 0;
  private readonly queue: Waiter[] = [];
  private beat: TimerHandle | undefined;

  constructor(
    readonly provider: string,
    readonly settings: Readonly<BulkheadSettings>,
    private readonly clock: Clock = systemClock,
    private readonly beatEveryMs = 1000,
  ) {}

  /**
   * Takes a slot, waiting in the queue when all are busy.
   * @returns the release function (idempotent); call it when the call ends, however it ends.
   * @throws ReelayError `REELAY_ERR_PROVIDER_OVERLOAD` when the queue is full or the wait times
   *   out; the signal's reason when aborted while queued.
   */
  acquire(signal?: AbortSignal, onPosition?: QueuePositionListener): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.inUse < this.settings.maxConcurrent && this.queue.length === 0) {
      this.inUse++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.settings.maxQueue) {
      this.rejected++;
      return Promise.reject(providerOverloadError(this.provider, 'queue_full', this.settings));
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.remove(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        resolve,
        reject,
        ...(onPosition ? { onPosition } : {}),
        timer: this.clock.setTimeout(() => {
          this.remove(waiter);
          this.rejected++;
          this.timedOut++;
          reject(providerOverloadError(this.provider, 'queue_timeout', this.settings));
        }, this.settings.queueTimeoutMs),
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      onPosition?.(this.queue.length, this.queue.length);
      this.armBeat();
    });
  }

  /** Current counts and settings. */
  view(): BulkheadView {
    return {
      ...this.settings,
      inUse: this.inUse,
      queued: this.queue.length,
      rejected: this.rejected,
      timedOut: this.timedOut,
    };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (!next) {
        this.inUse--;
        return;
      }
      // The slot passes straight to the next caller: inUse stays the same.
      this.clock.clearTimeout(next.timer);
      next.cleanup();
      next.resolve(this.releaser());
      this.announce();
    };
  }

  private remove(waiter: Waiter): void {
    const at = this.queue.indexOf(waiter);
    if (at < 0) return;
    this.queue.splice(at, 1);
    this.clock.clearTimeout(waiter.timer);
    waiter.cleanup();
    this.announce();
  }

  private announce(): void {
    const n = this.queue.length;
    let position = 0;
    for (const w of this.queue) w.onPosition?.(++position, n);
  }

  private armBeat(): void {
    if (this.beat !== undefined) return;
    this.beat = this.clock.setTimeout(() => {
      this.beat = undefined;
      if (this.queue.length === 0) return;
      this.announce();
      this.armBeat();
    }, this.beatEveryMs);
  }
}
