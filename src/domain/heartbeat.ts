/**
 * Progress pushed by a running provider operation. Progress counts only when a counter rises
 * (`percent`: strictly rises); a heartbeat with only a `message` proves liveness but not progress.
 */
export interface Heartbeat {
  /** LLM tokens produced so far (cumulative). */
  tokens?: number;
  /** TTS audio chunks produced so far (cumulative). */
  chunks?: number;
  /** Percent complete, 0–100. */
  percent?: number;
  /** Human-readable note, e.g. "rendering scene 3 of 8". */
  message?: string;
  /**
   * Set while the call waits for one of Reelay's own limits before reaching the provider (a rate
   * limit, a bulkhead queue). Such a wait is deliberate, so patience counts the beat as progress
   * (never a stall), while measuring ignores it (it is not the provider's first progress).
   */
  waiting?: 'rate_limit' | 'bulkhead';
}

/** A function the operation calls to push a heartbeat. */
export type HeartbeatFn = (beat: Heartbeat) => void;

/** How progress is measured for a call (the seed's polling strategies). */
export type HeartbeatKind = 'token_count' | 'chunk_count' | 'percentage' | 'none';
