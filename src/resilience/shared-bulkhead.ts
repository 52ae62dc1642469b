import { type Clock, sleep, systemClock, type TimerHandle } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { SemaphoreStore } from '../state/semaphore-store.js';
import type { Bulkhead, BulkheadSettings, BulkheadView, QueuePositionListener } from './bulkhead.js';
import { providerOverloadError } from './limit-refusal.js';

/** How a bulkhead shares its slots with other processes (a {@link SemaphoreStore} on Redis). */
export interface SharedSlotsOptions {
  store: SemaphoreStore;
  /** This process's id in lease ids (e.g. `host:pid`); never a secret. */
  holder: string;
  /** A lease lapses this long after its last renewal (a crashed holder frees it then). @default 30000 */
  leaseTtlMs?: number;
  /** Wait between tries while every shared slot is taken. @default 100 */
  retryMs?: number;
  logger?: Logger;
}

/** The call slots a bulkhead policy takes: in process ({@link Bulkhead}) or shared ({@link SharedBulkhead}). */
export interface CallSlots {
  readonly provider: string;
  readonly settings: Readonly<BulkheadSettings>;
  acquire(signal?: AbortSignal, onPosition?: QueuePositionListener): Promise<() => void>;
  view(): BulkheadView;
}

/**
 * A bulkhead whose `maxConcurrent` holds across every process sharing one store: a call first
 * takes a slot of the in-process {@link Bulkhead} (its queue, queue limit and queue positions),
 * then a lease of the shared semaphore, retrying every `retryMs` until the queue time limit
 * (counted from the start of the wait) — then `provider_overload` (`queue_timeout`). The lease is
 * renewed every third of its TTL while the call runs and released when it ends; a process that
 * dies stops renewing, and its leases lapse within `leaseTtlMs`. When the store cannot be reached
 * the call runs under the in-process limit alone (logged), rather than failing every call.
 */
export class SharedBulkhead implements CallSlots {
  private sharedRejected = 0;
  private readonly ttlMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly local: Bulkhead,
    private readonly shared: SharedSlotsOptions,
    private readonly clock: Clock = systemClock,
  ) {
    this.ttlMs = shared.leaseTtlMs ?? 30_000;
    this.retryMs = shared.retryMs ?? 100;
  }

  get provider(): string {
    return this.local.provider;
  }

  get settings(): Readonly<BulkheadSettings> {
    return this.local.settings;
  }

  async acquire(signal?: AbortSignal, onPosition?: QueuePositionListener): Promise<() => void> {
    const startedAt = this.clock.now();
    const releaseLocal = await this.local.acquire(signal, onPosition);
    let lease: string | undefined;
    try {
      lease = await this.takeLease(startedAt, signal, onPosition);
    } catch (error) {
      releaseLocal();
      throw error;
    }
    const stopRenewing = lease === undefined ? () => {} : this.keepRenewing(lease);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      stopRenewing();
      releaseLocal();
      if (lease !== undefined) {
        this.shared.store
          .release(this.provider, lease)
          .catch((error: unknown) => this.storeTrouble('release', error));
      }
    };
  }

  view(): BulkheadView {
    const view = this.local.view();
    return {
      ...view,
      rejected: view.rejected + this.sharedRejected,
      timedOut: view.timedOut + this.sharedRejected,
    };
  }

  /** A lease id, or undefined when the store failed (the call then runs on the local limit). */
  private async takeLease(
    startedAt: number,
    signal: AbortSignal | undefined,
    onPosition: QueuePositionListener | undefined,
  ): Promise<string | undefined> {
    const { maxConcurrent, queueTimeoutMs } = this.local.settings;
    for (;;) {
      signal?.throwIfAborted();
      let answer: Awaited<ReturnType<SemaphoreStore['acquire']>>;
      try {
        answer = await this.shared.store.acquire(
          this.provider,
          this.shared.holder,
          maxConcurrent,
          this.clock.now(),
          this.ttlMs,
        );
      } catch (error) {
        this.storeTrouble('acquire', error);
        return undefined;
      }
      if (answer.ok) return answer.lease;
      const waited = this.clock.now() - startedAt;
      if (waited >= queueTimeoutMs) {
        this.sharedRejected++;
        throw providerOverloadError(this.provider, 'queue_timeout', this.local.settings);
      }
      // Other processes hold every slot: this call is next in line here, behind them.
      onPosition?.(1, 1);
      await sleep(this.clock, Math.min(this.retryMs, queueTimeoutMs - waited), signal);
    }
  }

  private keepRenewing(lease: string): () => void {
    let timer: TimerHandle | undefined;
    let stopped = false;
    const every = Math.max(1, Math.floor(this.ttlMs / 3));
    const arm = (): void => {
      timer = this.clock.setTimeout(() => {
        this.shared.store
          .renew(this.provider, lease, this.clock.now(), this.ttlMs)
          .then((live) => {
            if (!live) this.shared.logger?.warn({ tag: 'BULKHEAD_LEASE_LOST', provider: this.provider });
          })
          .catch((error: unknown) => this.storeTrouble('renew', error))
          .finally(() => {
            if (!stopped) arm();
          });
      }, every);
    };
    arm();
    return () => {
      stopped = true;
      if (timer !== undefined) this.clock.clearTimeout(timer);
    };
  }

  private storeTrouble(operation: string, error: unknown): void {
    this.shared.logger?.warn({
      tag: 'BULKHEAD_STORE_ERROR',
      provider: this.provider,
      operation,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
