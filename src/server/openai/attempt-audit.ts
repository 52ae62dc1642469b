import type { Logger } from '../../domain/logger.js';
import type { AttemptTrail, UpstreamAttemptRecord } from '../../state/attempt-trail.js';

/**
 * Appends attempt records to an {@link AttemptTrail} in batches, off the request's path: a record
 * is queued synchronously and the queue is written once per event-loop turn (`setImmediate`).
 * A failed write is logged, never thrown at a request.
 */
export class AttemptAuditWriter {
  private queue: UpstreamAttemptRecord[] = [];
  private scheduled = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    readonly trail: AttemptTrail,
    private readonly logger: Logger,
  ) {}

  /** Queues one record. */
  add(record: UpstreamAttemptRecord): void {
    this.queue.push(record);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  /** Writes what is queued; resolves when every record queued so far is written. */
  flush(): Promise<void> {
    this.scheduled = false;
    if (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      this.writing = this.writing
        .then(() => this.trail.append(batch))
        .catch((err: unknown) =>
          this.logger.warn(
            { tag: 'OPENAI_PROXY_ATTEMPT_AUDIT_FAILED', err, records: batch.length },
            'could not record upstream attempts in the audit trail',
          ),
        );
    }
    return this.writing;
  }
}
