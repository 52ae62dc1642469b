import type { ReelayEvent, StoredEvent } from '../domain/events.js';

/** What the event writer thread needs to open its own connections (no secrets leave the process). */
export interface EventWriterSettings {
  databaseUrl: string;
  /** PostgreSQL schema. @default 'public' */
  schema?: string;
  redisUrl: string;
  redisPrefix: string;
  /** PostgreSQL event appends commit without waiting for the WAL flush (REELAY_PG_EVENT_COMMIT=async). */
  asyncCommit: boolean;
}

/** Main thread → writer thread. */
export type ToWriter =
  | { t: 'append'; seq: number; event: ReelayEvent }
  /** Store what was posted, then close the connections and answer `closed`. */
  | { t: 'close' };

/** Writer thread → main thread. */
export type FromWriter =
  | { t: 'ready' }
  | { t: 'startFailed'; message: string }
  /** The event posted as `seq`, stored (`null`: it could not be stored, or came after the job's end). */
  | { t: 'stored'; seq: number; stored: StoredEvent | null }
  | { t: 'log'; level: 'warn' | 'error'; message: string; tag?: string; error?: string }
  | { t: 'closed' };
