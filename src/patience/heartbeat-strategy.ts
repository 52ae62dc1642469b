import type { Heartbeat, HeartbeatKind } from '../domain/heartbeat.js';

/**
 * A polled progress source (the seed's heartbeat strategies), for providers that report progress
 * only when asked. The gateway polls it every heartbeat interval and feeds the readings to the same
 * tracker as pushed heartbeats. A strategy of kind `none` is never polled.
 */
export interface HeartbeatStrategy {
  readonly kind: HeartbeatKind;
  /** The current cumulative reading: tokens, chunks or percent complete. */
  poll(): Promise<number>;
}

/** LLM streaming: progress when the token count rises. */
export function tokenCountStrategy(getTokenCount: () => Promise<number> | number): HeartbeatStrategy {
  return { kind: 'token_count', poll: async () => getTokenCount() };
}

/** TTS: progress when the number of synthesized chunks rises. */
export function chunkCountStrategy(getChunkCount: () => Promise<number> | number): HeartbeatStrategy {
  return { kind: 'chunk_count', poll: async () => getChunkCount() };
}

/** Image and video jobs: progress when the percentage strictly rises. */
export function percentageStrategy(getPercent: () => Promise<number> | number): HeartbeatStrategy {
  return { kind: 'percentage', poll: async () => getPercent() };
}

/** No progress reporting: the call is judged stalled only after its deep-wait threshold. */
export const noHeartbeatStrategy: HeartbeatStrategy = {
  kind: 'none',
  poll: async () => 0,
};

/** Turns a polled reading into the heartbeat of the strategy's kind (undefined for `none`). */
export function readingToHeartbeat(kind: HeartbeatKind, reading: number): Heartbeat | undefined {
  switch (kind) {
    case 'token_count':
      return { tokens: reading };
    case 'chunk_count':
      return { chunks: reading };
    case 'percentage':
      return { percent: reading };
    case 'none':
      return undefined;
  }
}
