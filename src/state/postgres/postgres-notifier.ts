import pg from 'pg';
import { type Disposable, TypedEmitter } from '../../domain/disposable.js';
import type { WakeSource } from '../stores.js';

/** The one channel Reelay notifies on; payloads carry the schema, so deployments can share a database. */
export const WAKE_CHANNEL = 'reelay_wake';

/** What a wake-up is about: new events of a job, or new work for workers. */
export type WakeKind = 'events' | 'jobs';

/** The payload of a wake-up (short keys: NOTIFY payloads are limited to 8000 bytes). */
export function wakePayload(schema: string, kind: WakeKind, id = ''): string {
  return JSON.stringify({ s: schema, k: kind, id });
}

/** SQL that notifies in the caller's transaction (delivered at commit, never for a rollback). */
export const NOTIFY_SQL = `SELECT pg_notify('${WAKE_CHANNEL}', $1)`;

/** Options of {@link PostgresNotifier}. */
export interface PostgresNotifierOptions {
  url: string;
  schema: string;
  /** Delay before reconnecting the listening connection after it broke, ms. @default 1000 */
  reconnectMs?: number;
  /** Told when the listening connection fails (the pollers' backstop keeps working). */
  onError?: (error: unknown) => void;
}

type Wake = { type: string };

function both(a: Disposable, b: Disposable): Disposable {
  return {
    dispose: () => {
      a.dispose();
      b.dispose();
    },
  };
}

/**
 * Cross-process wake-ups on PostgreSQL with `LISTEN/NOTIFY`: one dedicated connection listens on
 * {@link WAKE_CHANNEL}; appends and new jobs notify in their transaction. After the connection
 * broke and came back, every listener is woken once (notifications may have been missed).
 */
export class PostgresNotifier implements WakeSource {
  private readonly emitter = new TypedEmitter<Wake>();
  private client: pg.Client | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private listening = false;
  private everListened = false;

  constructor(private readonly options: PostgresNotifierOptions) {}

  /** True while the listening connection is up. */
  get isListening(): boolean {
    return this.listening;
  }

  /** Connects and listens; rejects when the first connection fails (it is retried regardless). */
  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url });
    this.client = client;
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => this.broken(client, error));
    client.on('end', () => this.broken(client, new Error('listening connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (error) {
      this.broken(client, error);
      throw error;
    }
    const recovered = this.listening === false && this.everListened;
    this.listening = true;
    this.everListened = true;
    if (recovered) this.emitter.emit({ type: '*' });
  }

  onEvents(jobId: string, listener: () => void): Disposable {
    const a = this.emitter.on(`events:${jobId}`, listener);
    const b = this.emitter.on('*', listener);
    return both(a, b);
  }

  onJobs(listener: () => void): Disposable {
    const a = this.emitter.on('jobs:', listener);
    const b = this.emitter.on('*', listener);
    return both(a, b);
  }

  /** Stops listening and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private dispatch(payload: string | undefined): void {
    try {
      const raw = JSON.parse(payload ?? '') as { s?: unknown; k?: unknown; id?: unknown };
      if (raw.s !== this.options.schema || typeof raw.k !== 'string') return;
      this.emitter.emit({ type: `${raw.k}:${typeof raw.id === 'string' ? raw.id : ''}` });
    } catch {
      // Not one of ours.
    }
  }

  private broken(client: pg.Client, error: unknown): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.listening = false;
    this.options.onError?.(error);
    void client.end().catch(() => undefined);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.closed) this.start().catch(() => undefined);
    }, this.options.reconnectMs ?? 1_000);
    this.timer.unref();
  }
}
