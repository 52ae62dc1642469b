import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReelayEvent, StoredEvent } from '../domain/events.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { EventWriterSettings, FromWriter, ToWriter } from './event-writer-protocol.js';

/** Stores a job event somewhere else than the caller's event loop; see {@link ThreadedEventWriter}. */
export interface EventWriter {
  /**
   * Stores the event (ids, order and batching per job as {@link JobEventSink} does) and copies it to
   * its job's stream; resolves with it, or `undefined` when it could not be stored. Rejects with
   * {@link EVENT_WRITER_LOST} when the writer stopped before answering: the caller stores it itself.
   */
  append(event: ReelayEvent): Promise<StoredEvent | undefined>;
}

/** The message of the error an {@link EventWriter} rejects with when it stopped. */
export const EVENT_WRITER_LOST = 'The event writer thread stopped';

/** Options of {@link ThreadedEventWriter.start}. */
export interface ThreadedEventWriterOptions extends EventWriterSettings {
  logger?: Logger;
  /** How long to wait for the thread's connections. @default 15000 */
  startTimeoutMs?: number;
}

/**
 * The job event writer on a worker thread of this process (`event-writer-thread.ts`): PostgreSQL
 * appends and Redis Stream copies run there, on the thread's own connections, so a busy or stalled
 * main event loop (pipeline work, garbage collection) no longer delays an event between its
 * emission and its delivery. The main thread still redacts events and resolves its callers.
 * When the thread stops (it crashed, or failed to open its connections) every unanswered event
 * rejects with {@link EVENT_WRITER_LOST} and later ones too; callers store them in-process.
 */
export class ThreadedEventWriter implements EventWriter {
  private readonly pending = new Map<
    number,
    { resolve: (e: StoredEvent | undefined) => void; reject: (e: Error) => void }
  >();
  private seq = 0;
  private lost = false;
  private closing: Promise<void> | undefined;
  private closedNow: () => void = () => {};

  private constructor(
    private readonly worker: Worker,
    private readonly logger: Logger,
  ) {}

  /** Starts the thread and waits until its connections are open; rejects when they cannot be. */
  static async start(options: ThreadedEventWriterOptions): Promise<ThreadedEventWriter> {
    const { logger = silentLogger, startTimeoutMs = 15_000, ...settings } = options;
    const entry = threadEntry();
    const worker = new Worker(entry.url, {
      workerData: settings satisfies EventWriterSettings,
      execArgv: entry.execArgv,
      name: 'reelay-event-writer',
    });
    const writer = new ThreadedEventWriter(worker, logger);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate();
        reject(new Error(`The event writer thread did not open its connections within ${startTimeoutMs} ms`));
      }, startTimeoutMs);
      const first = (message: FromWriter): void => {
        if (message.t !== 'ready' && message.t !== 'startFailed') return;
        clearTimeout(timer);
        worker.off('message', first);
        worker.off('error', failed);
        if (message.t === 'ready') resolve();
        else reject(new Error(`The event writer thread could not start: ${message.message}`));
      };
      const failed = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      worker.on('message', first);
      worker.once('error', failed);
    });
    writer.listen();
    return writer;
  }

  append(event: ReelayEvent): Promise<StoredEvent | undefined> {
    if (this.lost || this.closing) return Promise.reject(new Error(EVENT_WRITER_LOST));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.worker.postMessage({ t: 'append', seq, event } satisfies ToWriter);
    });
  }

  /**
   * Stores what was posted, closes the thread's connections and stops it; safe to call twice. A
   * thread that has not finished within `limitMs` is stopped: its unanswered events reject with
   * {@link EVENT_WRITER_LOST} (the sink stores them in-process).
   */
  close(limitMs = 10_000): Promise<void> {
    if (this.closing) return this.closing;
    if (this.lost) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    let timer: NodeJS.Timeout | undefined;
    this.closing = new Promise<void>((resolve) => {
      this.closedNow = resolve;
      timer = setTimeout(resolve, limitMs);
      this.worker.postMessage({ t: 'close' } satisfies ToWriter);
    }).then(async () => {
      clearTimeout(timer);
      await this.worker.terminate();
    });
    return this.closing;
  }

  /** Stops the thread at once (tests: a crashed writer). */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  private listen(): void {
    this.worker.on('message', (message: FromWriter) => {
      if (message.t === 'stored') {
        const waiting = this.pending.get(message.seq);
        this.pending.delete(message.seq);
        waiting?.resolve(message.stored ?? undefined);
      } else if (message.t === 'log') {
        this.logger[message.level](
          { tag: message.tag ?? 'EVENT_WRITER', ...(message.error ? { error: message.error } : {}) },
          message.message,
        );
      } else if (message.t === 'closed') {
        this.closedNow();
      }
    });
    this.worker.on('error', (error) => {
      this.logger.error({ tag: 'EVENT_WRITER_FAILED', err: error }, 'The event writer thread failed');
    });
    this.worker.on('exit', () => {
      this.lost = true;
      this.closedNow();
      const unanswered = [...this.pending.values()];
      this.pending.clear();
      if (unanswered.length > 0)
        this.logger.warn(
          { tag: 'EVENT_WRITER_LOST', events: unanswered.length },
          'The event writer thread stopped; its unanswered events are stored in-process',
        );
      for (const waiting of unanswered) waiting.reject(new Error(EVENT_WRITER_LOST));
    });
  }
}

/**
 * The thread's entry: the compiled `event-writer-thread.js` beside this module (the package), else
 * the TypeScript source through `tsx` (a checkout run with `tsx` or the test runner).
 */
function threadEntry(): { url: URL; execArgv: string[] } {
  const js = new URL('./event-writer-thread.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  return { url: new URL('./event-writer-thread.ts', import.meta.url), execArgv: ['--import', tsxLoader()] };
}

/** tsx's loader as a file URL (so the thread finds it whatever the working directory), else `tsx`. */
function tsxLoader(): string {
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch {
    return 'tsx';
  }
}
