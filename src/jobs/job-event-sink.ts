import { type Clock, isoAt, systemClock } from '../domain/clock.js';
import { type ReelayEvent, type StoredEvent, TERMINAL_EVENT_TYPES } from '../domain/events.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import { redactDeep, redactKeyLike } from '../domain/redact.js';
import type { JobLogLevel, StageEvent } from '../pipeline/pipeline-context.js';
import type { EventLog } from '../state/event-log.js';
import type { JobLogStore } from '../state/job-log-store.js';
import type { EventWriter } from './threaded-event-writer.js';

/** Event types kept out of the durable log: too frequent, and summarised by `progress`. */
const TRANSIENT: ReadonlySet<ReelayEvent['type']> = new Set(['heartbeat']);
/** Ended jobs remembered so late events are dropped (a job never runs again once it ended). */
const MAX_ENDED = 10_000;

/** Most events stored in one write. */
const MAX_BATCH = 100;

interface Queued {
  event: ReelayEvent;
  done: (stored: StoredEvent | undefined) => void;
}

/**
 * Writes a job's events to the event log in the order they happen (appends are queued per job, so
 * ids follow emission order even though stores are async; events that queue up while a write is in
 * progress are written together in the next one), and its log lines to the job log.
 */
export class JobEventSink {
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Events of a job waiting for the write in progress. */
  private readonly queues = new Map<string, Queued[]>();
  /** The store loop of a job, while it has events to write. */
  private readonly drains = new Map<string, Promise<void>>();
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private readonly ended = new Set<string>();
  /** Events of a job handed to the writer and not answered yet. */
  private readonly written = new Map<string, Set<Promise<unknown>>>();
  private writerLost = false;

  /**
   * @param writer stores events off this event loop (the worker's event writer thread); when it
   *   stops, its unanswered events and every later one are stored here, through `events`.
   */
  constructor(
    private readonly events: EventLog,
    private readonly logs: JobLogStore,
    private readonly clock: Clock = systemClock,
    private readonly logger: Logger = silentLogger,
    private readonly writer?: EventWriter,
  ) {}

  /**
   * Appends a complete event (router and gateway events). The terminal event (`done`, `error`,
   * `canceled`) is the last event of a job: anything appended for the job after it is dropped.
   */
  append(event: ReelayEvent): Promise<StoredEvent | undefined> {
    if (TRANSIENT.has(event.type)) return Promise.resolve(undefined);
    if (this.ended.has(event.jobId)) {
      this.logger.debug({ jobId: event.jobId, type: event.type }, 'Event after the end of the job dropped');
      return Promise.resolve(undefined);
    }
    if (TERMINAL_EVENT_TYPES.has(event.type)) this.markEnded(event.jobId);
    // Credentials inside URLs (provider errors, decision reasons) never reach the log or clients.
    const clean = redactDeep(event);
    return this.writer && !this.writerLost ? this.write(this.writer, clean) : this.enqueue(clean);
  }

  /** Hands the event to the writer; tells listeners when it answers, or stores it here if it stopped. */
  private write(writer: EventWriter, event: ReelayEvent): Promise<StoredEvent | undefined> {
    const jobId = event.jobId;
    const inFlight = this.written.get(jobId) ?? new Set<Promise<unknown>>();
    this.written.set(jobId, inFlight);
    const result = writer.append(event).then(
      (stored) => {
        if (stored) this.tell(stored);
        return stored;
      },
      () => {
        this.writerLost = true;
        return this.enqueue(event);
      },
    );
    inFlight.add(result);
    void result.finally(() => {
      inFlight.delete(result);
      if (inFlight.size === 0 && this.written.get(jobId) === inFlight) this.written.delete(jobId);
    });
    return result;
  }

  /** Queues the event for this process' store loop of its job. */
  private enqueue(event: ReelayEvent): Promise<StoredEvent | undefined> {
    return new Promise((resolve) => {
      const queued = this.queues.get(event.jobId);
      if (queued) {
        queued.push({ event, done: resolve });
        return;
      }
      const queue: Queued[] = [{ event, done: resolve }];
      this.queues.set(event.jobId, queue);
      this.drains.set(event.jobId, this.drain(event.jobId, queue));
    });
  }

  /** Appends a stage event, filling in the job id, time and correlation id. */
  emit(jobId: string, correlationId: string, event: StageEvent): Promise<StoredEvent | undefined> {
    return this.append({ ...event, jobId, correlationId, timestamp: isoAt(this.clock) } as ReelayEvent);
  }

  /** Appends a line to the job's log (and to the process log). */
  log(jobId: string, level: JobLogLevel, message: string, fields: Record<string, unknown> = {}): void {
    this.logger[level](redactDeep({ jobId, ...fields }), redactKeyLike(message));
    void this.chain(`log:${jobId}`, () =>
      this.logs.append(jobId, { level, message, fields, timestamp: isoAt(this.clock) }),
    );
  }

  /** Records that the job ended (its terminal event was written, maybe by another process). */
  markEnded(jobId: string): void {
    this.ended.add(jobId);
    if (this.ended.size > MAX_ENDED) {
      const oldest = this.ended.values().next().value;
      if (oldest !== undefined) this.ended.delete(oldest);
    }
  }

  /** Observes every stored event (metrics). */
  onStored(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when everything appended so far, for every job, is stored (or failed to be). */
  async flushAll(): Promise<void> {
    for (const jobId of new Set([...this.written.keys(), ...this.drains.keys()])) await this.flush(jobId);
  }

  /** Resolves when everything appended so far for the job is stored. */
  async flush(jobId: string): Promise<void> {
    for (let set = this.written.get(jobId); set; set = this.written.get(jobId)) await Promise.all(set);
    for (let drain = this.drains.get(jobId); drain; drain = this.drains.get(jobId)) await drain;
    await this.chains.get(`log:${jobId}`);
  }

  /**
   * Stores a job's queued events until none is left: whatever queued up while one write was in
   * progress goes in the next write, as one batch (one transaction, one stream round trip), so an
   * event waits for at most the write in progress and its own, not for one write per event before it.
   */
  private async drain(jobId: string, queue: Queued[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_BATCH);
      const stored = await this.store(batch.map((q) => q.event));
      batch.forEach((queued, i) => {
        const event = stored[i];
        if (event) this.tell(event);
        queued.done(event);
      });
    }
    this.queues.delete(jobId);
    this.drains.delete(jobId);
  }

  private tell(event: StoredEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ tag: 'EVENT_LISTENER_FAILED', err }, 'An event listener failed');
      }
    }
  }

  /** Stores events in order; on failure each event is tried on its own (undefined: not stored). */
  private async store(events: ReelayEvent[]): Promise<Array<StoredEvent | undefined>> {
    if (events.length > 1 && this.events.appendMany) {
      try {
        return await this.events.appendMany(events);
      } catch (err) {
        this.logger.warn(
          { tag: 'EVENT_BATCH_FAILED', err },
          'Could not store events together; one at a time',
        );
      }
    }
    const out: Array<StoredEvent | undefined> = [];
    for (const event of events) {
      out.push(
        await this.events.append(event).catch((err: unknown) => {
          this.logger.error(
            { tag: 'EVENT_APPEND_FAILED', key: event.jobId, err },
            'Could not store an event',
          );
          return undefined;
        }),
      );
    }
    return out;
  }

  private chain<T>(key: string, work: () => Promise<T>): Promise<T | undefined> {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const next = previous.then(work).catch((err: unknown) => {
      this.logger.error({ tag: 'EVENT_APPEND_FAILED', key, err }, 'Could not store an event');
      return undefined;
    });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }
}
