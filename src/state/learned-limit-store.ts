/**
 * What providers said about their own limits (`x-ratelimit-remaining-*` / `reset-*`), shared
 * between instances: what one instance learns from a response, every other instance counts down
 * before it sends. Redis implementation: `redis/redis-learned-limit-store.ts`.
 */

/** Units left of one limit until it resets. */
export interface LearnedCount {
  readonly remaining: number;
  /** Ms since the epoch when the provider's limit resets. */
  readonly resetAt: number;
}

/** The answer to one take. */
export interface LearnedTake {
  /** True when counted (both counts lowered); false when a count is exhausted until its reset. */
  readonly ok: boolean;
  /** Ms until the exhausted count resets (0 when ok). */
  readonly waitMs: number;
  /** The counts in force after the answer (absent when nothing was learned or it has reset). */
  readonly requests?: LearnedCount;
  readonly tokens?: LearnedCount;
}

/** Learned request and token counts per bucket (provider deployment and key). */
export interface LearnedLimitStore {
  /** Records a provider's latest word on one limit (replaces the previous one). */
  learn(bucket: string, limit: 'requests' | 'tokens', count: LearnedCount, now: number): Promise<void>;
  /**
   * In one atomic step: when every unexpired count has room (1 request, `tokens` tokens), lowers
   * them and answers ok; otherwise lowers nothing and says how long until the exhausted one resets.
   */
  take(bucket: string, tokens: number, now: number): Promise<LearnedTake>;
  /** Gives back a take whose call was not sent after all (counts that reset meanwhile stay gone). */
  refund(bucket: string, tokens: number): Promise<void>;
}
