import type { Clock, TimerHandle } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { JobStore } from '../state/job-store.js';
import { renewJobLease } from './job-state-machine.js';

/** What {@link keepJobLease} needs: the store holding the lease, its owner and length, a clock. */
export interface JobLeaseTerms {
  jobs: JobStore;
  /** The worker id written into the lease. */
  owner: string;
  /** Lease length; renewed every third of it. */
  leaseMs: number;
  clock: Clock;
}

/** A running lease renewal; `stop()` ends it (the lease then lapses on its own unless released). */
export interface LeaseKeeper {
  stop(): void;
}

/**
 * Renews a running job's lease every third of its length. Losing the lease aborts `controller`:
 * with `REELAY_ERR_CANCELED` when the job was canceled from another process, otherwise with
 * `REELAY_ERR_CONFLICT` (another worker took it over).
 */
export function keepJobLease(terms: JobLeaseTerms, jobId: string, controller: AbortController): LeaseKeeper {
  const { jobs, owner, leaseMs, clock } = terms;
  let handle: TimerHandle | undefined;
  let stopped = false;
  const tick = (): void => {
    handle = clock.setTimeout(async () => {
      if (stopped) return;
      try {
        await jobs.update(jobId, (r) => renewJobLease(r, owner, leaseMs, clock.now()));
      } catch (error) {
        const job = await jobs.get(jobId).catch(() => null);
        const reason =
          job?.status === 'canceled'
            ? new ReelayError('REELAY_ERR_CANCELED', `Job ${jobId} was canceled`)
            : new ReelayError(
                'REELAY_ERR_CONFLICT',
                `Lost the lease on job ${jobId}: ${(error as Error).message}`,
              );
        controller.abort(reason);
        return;
      }
      if (!stopped) tick();
    }, leaseMs / 3);
  };
  tick();
  return {
    stop: () => {
      stopped = true;
      if (handle !== undefined) clock.clearTimeout(handle);
    },
  };
}
