import type { Clock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { ReelayEventOf } from '../domain/events.js';
import type { Logger } from '../domain/logger.js';
import type { ProviderType } from '../domain/provider-type.js';
import { PrimaryProviderLock } from './primary-provider-lock.js';

type LockEvent = ReelayEventOf<'lock-created'> | ReelayEventOf<'lock-released'>;

/** The active provider locks of a gateway, one per job, with their events and logs. */
export class ProviderLockRegistry {
  private readonly locks = new Map<string, PrimaryProviderLock>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly emit: (event: LockEvent) => void,
  ) {}

  /** @throws ReelayError `REELAY_ERR_LOCK_EXISTS` when the job already has a lock. */
  create(
    jobId: string,
    providerName: string,
    providerType: ProviderType,
    correlationId: string,
    overrideable: boolean,
    stages: readonly string[],
  ): PrimaryProviderLock {
    const existing = this.locks.get(jobId);
    if (existing) {
      throw new ReelayError(
        'REELAY_ERR_LOCK_EXISTS',
        `Job ${jobId} is already locked to ${existing.providerName}; release the lock or switch ` +
          `providers through a fallback decision instead of locking ${providerName}.`,
        { provider: providerName, correlationId },
      );
    }
    return this.add(
      new PrimaryProviderLock({
        jobId,
        providerName,
        providerType,
        correlationId,
        overrideable,
        stages,
        clock: this.clock,
      }),
    );
  }

  get(jobId: string): PrimaryProviderLock | undefined {
    return this.locks.get(jobId);
  }

  get size(): number {
    return this.locks.size;
  }

  /** Ends and removes the job's lock. @returns false when there was none. */
  release(jobId: string, reason: string): boolean {
    const lock = this.locks.get(jobId);
    if (!lock) return false;
    lock.release(reason);
    this.locks.delete(jobId);
    this.announceReleased(lock, reason);
    return true;
  }

  private announceReleased(lock: PrimaryProviderLock, reason: string): void {
    const { jobId } = lock;
    this.logger.info(
      {
        tag: 'PROVIDER_LOCK_RELEASED',
        jobId,
        provider: lock.providerName,
        correlationId: lock.correlationId,
        reason,
        durationMs: lock.durationMs,
      },
      `Provider lock on ${lock.providerName} released for job ${jobId}: ${reason}`,
    );
    this.emit({
      type: 'lock-released',
      jobId,
      timestamp: new Date(this.clock.now()).toISOString(),
      correlationId: lock.correlationId,
      provider: lock.providerName,
      reason,
    });
  }

  /**
   * Replaces the job's lock by one on `toProvider`, keeping its flags and stages, in one step: the
   * job is never without a lock, so a `lock-released` listener already sees the new lock and a
   * `lockProvider` it makes fails with REELAY_ERR_LOCK_EXISTS instead of being overwritten.
   */
  move(jobId: string, toProvider: string, toProviderType: ProviderType, reason: string): PrimaryProviderLock {
    const old = this.locks.get(jobId);
    if (!old) throw new ReelayError('REELAY_ERR_NO_LOCK', `Job ${jobId} has no provider lock to move`);
    const next = new PrimaryProviderLock({
      jobId,
      providerName: toProvider,
      providerType: toProviderType,
      correlationId: old.correlationId,
      overrideable: old.overrideable,
      stages: old.stages,
      clock: this.clock,
    });
    old.release(reason);
    this.locks.set(jobId, next);
    this.announceReleased(old, reason);
    this.announceCreated(next);
    return next;
  }

  private add(lock: PrimaryProviderLock): PrimaryProviderLock {
    this.locks.set(lock.jobId, lock);
    this.announceCreated(lock);
    return lock;
  }

  private announceCreated(lock: PrimaryProviderLock): void {
    this.logger.info(
      {
        tag: 'PROVIDER_LOCK_CREATED',
        jobId: lock.jobId,
        provider: lock.providerName,
        providerType: lock.providerType,
        correlationId: lock.correlationId,
        overrideable: lock.overrideable,
        stages: lock.stages,
      },
      `Provider locked: ${lock.toString()}`,
    );
    this.emit({
      type: 'lock-created',
      jobId: lock.jobId,
      timestamp: new Date(lock.lockedAt).toISOString(),
      correlationId: lock.correlationId,
      provider: lock.providerName,
      providerType: lock.providerType,
      stages: [...lock.stages],
    });
  }
}
