import { type StoredEvent, TERMINAL_EVENT_TYPES } from '../domain/events.js';
import type { JobStatusView } from '../server/api-types.js';
import { ReelayApiError } from './api-error.js';
import { backoffMs, type SleepFn } from './client-options.js';
import type { HttpTransport } from './http-transport.js';
import { readSse } from './sse-reader.js';

/** Connection states reported by {@link streamJobProgress}. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'polling' | 'closed';

/** Options of `ReelayClient.streamProgress`. */
export interface StreamProgressOptions {
  /** Every event of the job, in id order, each exactly once. */
  onEvent: (event: StoredEvent) => void;
  /** Connection state changes, with the reconnect attempt (0 when none) and the last event id. */
  onConnectionState?: (state: ConnectionState, info: { attempt: number; lastEventId: number }) => void;
  /** Each status read while polling (after the stream could not be re-established). */
  onStatus?: (status: JobStatusView) => void;
  /** Resume after this event id (sent as `Last-Event-ID`). @default 0 */
  lastEventId?: number;
  /** Stops streaming; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Reconnect attempts before falling back to polling. @default 5 */
  maxReconnects?: number;
  /** First reconnect delay; doubles each attempt. @default 1000 */
  reconnectBaseMs?: number;
  /** Largest reconnect delay. @default 30000 */
  reconnectCapMs?: number;
  /** Poll interval once polling. @default 2000 */
  pollIntervalMs?: number;
}

/** How {@link streamJobProgress} ended. */
export interface StreamProgressResult {
  /** The terminal event (`done`, `error`, `canceled`), when the stream delivered it. */
  terminal: StoredEvent | null;
  /** The final status, when the end was learnt by reading the status. */
  status: JobStatusView | null;
  /** Id of the last event delivered. */
  lastEventId: number;
  /** `stream` when SSE delivered the end, `polling` otherwise. */
  via: 'stream' | 'polling';
}

const TERMINAL_STATUSES = new Set(['completed', 'failed', 'canceled']);

/** True for errors that reconnecting cannot fix (unknown job, bad key, bad request). */
function isFatal(error: unknown): boolean {
  return (
    ReelayApiError.isInstance(error) &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 429 &&
    error.status !== 408
  );
}

/**
 * Follows a job's events over SSE (fetch streaming), resuming with `Last-Event-ID` after a drop
 * and skipping any event id already delivered; after `maxReconnects` failed reconnects (delays
 * min(base·2^(n−1), cap)) it polls the status instead. Resolves at the job's end.
 */
export async function streamJobProgress(
  transport: HttpTransport,
  sleep: SleepFn,
  jobId: string,
  getStatus: (signal?: AbortSignal) => Promise<JobStatusView>,
  options: StreamProgressOptions,
): Promise<StreamProgressResult> {
  const maxReconnects = options.maxReconnects ?? 5;
  const signal = options.signal;
  let lastEventId = Math.max(0, options.lastEventId ?? 0);
  let failures = 0;
  const report = (state: ConnectionState): void =>
    options.onConnectionState?.(state, { attempt: failures, lastEventId });
  const path = `/api/video/${encodeURIComponent(jobId)}/stream`;

  report('connecting');
  while (failures <= maxReconnects) {
    signal?.throwIfAborted();
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (lastEventId > 0) headers['last-event-id'] = String(lastEventId);
      const { response } = await transport.send({
        method: 'GET',
        path,
        headers,
        idempotent: false,
        stream: true,
        useBreaker: false,
        ...(signal ? { signal } : {}),
      });
      if (!response.body) throw new Error('the event stream has no body');
      failures = 0;
      report('open');
      for await (const item of readSse(response.body)) {
        if (item.kind !== 'event') continue;
        const event = JSON.parse(item.data) as StoredEvent;
        const id = Number(item.id ?? event.id);
        if (!Number.isFinite(id) || id <= lastEventId) continue;
        lastEventId = id;
        options.onEvent(event);
        if (TERMINAL_EVENT_TYPES.has(event.type)) {
          report('closed');
          return { terminal: event, status: null, lastEventId, via: 'stream' };
        }
      }
      // The server ended the stream without a terminal event: it may have ended without one.
      const status = await getStatus(signal);
      if (TERMINAL_STATUSES.has(status.status)) {
        report('closed');
        return { terminal: null, status, lastEventId, via: 'stream' };
      }
    } catch (error) {
      if (signal?.aborted) {
        report('closed');
        throw signal.reason;
      }
      if (isFatal(error)) {
        report('closed');
        throw error;
      }
    }
    failures += 1;
    if (failures > maxReconnects) break;
    report('reconnecting');
    await sleep(
      backoffMs(failures, options.reconnectBaseMs ?? 1000, options.reconnectCapMs ?? 30_000),
      signal,
    );
  }

  report('polling');
  for (;;) {
    try {
      const status = await getStatus(signal);
      options.onStatus?.(status);
      if (TERMINAL_STATUSES.has(status.status)) {
        report('closed');
        return { terminal: null, status, lastEventId, via: 'polling' };
      }
    } catch (error) {
      if (signal?.aborted || isFatal(error)) {
        report('closed');
        throw signal?.aborted ? signal.reason : error;
      }
    }
    await sleep(options.pollIntervalMs ?? 2000, signal);
  }
}
