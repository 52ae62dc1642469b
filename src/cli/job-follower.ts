import { type Clock, systemClock, type TimerHandle } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { type StoredEvent, TERMINAL_EVENT_TYPES } from '../domain/events.js';
import { isTerminalStatus, type JobRecord } from '../jobs/job-record.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import { RemoteReelayService } from './remote-reelay-service.js';

/** Options of {@link followJob}. */
export interface FollowJobOptions {
  /** Stops following; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** @default systemClock */
  clock?: Clock;
  /**
   * Local services: how often the job's status is read as a safety net, should its terminal
   * event be missed. @default 2000
   */
  statusPollMs?: number;
}

/**
 * Delivers every event of a job, in id order and each once (past events first, then live ones),
 * until the job ends; resolves with the final job record. Remote services follow the server's
 * SSE stream (with resume); local ones subscribe to the event log and read what came before.
 *
 * @example
 * const final = await followJob(service, job.id, (e) => renderer.onEvent(e));
 */
export async function followJob(
  service: ReelayService,
  jobId: string,
  onEvent: (event: StoredEvent) => void,
  options: FollowJobOptions = {},
): Promise<JobRecord> {
  if (service instanceof RemoteReelayService) {
    await service.followEvents(jobId, onEvent, options.signal ? { signal: options.signal } : {});
  } else {
    await followLocal(service, jobId, onEvent, options);
  }
  const job = await service.getJob(jobId);
  if (!job) throw new ReelayError('REELAY_ERR_NOT_FOUND', `Job ${jobId} disappeared while it was followed.`);
  return job;
}

function followLocal(
  service: ReelayService,
  jobId: string,
  onEvent: (event: StoredEvent) => void,
  options: FollowJobOptions,
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const pollMs = options.statusPollMs ?? 2000;
  const signal = options.signal;
  return new Promise<void>((resolve, reject) => {
    let lastId = 0;
    let ended = false;
    let timer: TimerHandle | undefined;
    const finish = (error?: unknown): void => {
      if (ended) return;
      ended = true;
      sub.dispose();
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const deliver = (event: StoredEvent): void => {
      if (ended || event.id <= lastId) return;
      lastId = event.id;
      onEvent(event);
      if (TERMINAL_EVENT_TYPES.has(event.type)) finish();
    };
    const catchUp = async (): Promise<void> => {
      for (const event of await service.readEvents(jobId, lastId)) deliver(event);
    };
    const poll = (): void => {
      timer = clock.setTimeout(() => {
        void (async () => {
          const job = await service.getJob(jobId);
          if (ended) return;
          if (!job) throw new ReelayError('REELAY_ERR_NOT_FOUND', `Job ${jobId} does not exist.`);
          if (isTerminalStatus(job.status)) {
            await catchUp();
            finish();
          } else poll();
        })().catch((error: unknown) => finish(error));
      }, pollMs);
    };
    const onAbort = (): void => finish(signal?.reason);
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    // Subscribe first so nothing appended between the read and the subscription is lost.
    const buffered: StoredEvent[] = [];
    let live = false;
    const sub = service.subscribe(jobId, (event) => (live ? deliver(event) : buffered.push(event)));
    catchUp()
      .then(() => {
        live = true;
        for (const event of buffered.sort((a, b) => a.id - b.id)) deliver(event);
        if (!ended) poll();
      })
      .catch((error: unknown) => finish(error));
  });
}
