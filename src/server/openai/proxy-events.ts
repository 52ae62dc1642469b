/** What happened to one upstream attempt. */
export type AttemptOutcome = 'ok' | 'failed' | 'skipped';

/**
 * Events of the OpenAI-compatible endpoint: one `proxy-attempt` per upstream attempt (and per
 * skipped deployment), `proxy-fallback` per switch, and the stream's recovery, error and
 * malformed-chunk events. Delivered to `onEvent` and logged at debug level.
 */
export type ProxyEvent =
  | {
      type: 'proxy-attempt';
      correlationId: string;
      group: string;
      deployment: string;
      attempt: number;
      outcome: AttemptOutcome;
      /** Why it failed or was skipped (category, `circuit_open`, `budget`). */
      reason?: string;
      status?: number;
      elapsedMs: number;
      /** Whether the client had already received content (a mid-stream recovery attempt). */
      midStream: boolean;
    }
  | { type: 'proxy-fallback'; correlationId: string; group: string; from: string; to: string; reason: string }
  | { type: 'proxy-stream-recovered'; correlationId: string; deployment: string; mode: 'prefill' | 'restart' }
  | { type: 'proxy-stream-error'; correlationId: string; deployment: string; reason: string }
  | { type: 'proxy-malformed-chunk'; correlationId: string; deployment: string };

/** Receives {@link ProxyEvent}s. */
export type ProxyEventSink = (event: ProxyEvent) => void;
