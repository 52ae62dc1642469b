import { createHash } from 'node:crypto';
import { type Clock, sleep, systemClock } from '../domain/clock.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { LearnedLimitStore, LearnedTake } from '../state/learned-limit-store.js';
import { MemoryRateWindowStore } from '../state/memory/memory-rate-window-store.js';
import type { RateWindowStore } from '../state/rate-window-store.js';
import { rateLimitWaitError } from './limit-refusal.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import {
  countLearned,
  learnReading,
  limitBucket,
  limitView,
  newLimitState,
  type ProviderLimitState,
  type RateLimitSettings,
  type RateLimitView,
  windowLimits,
} from './rate-limit-state.js';
import type { HeaderSource } from './retry-after.js';

export type { RateLimitSettings, RateLimitView } from './rate-limit-state.js';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** The sliding-window counter; a Redis store shares it between instances. @default in-process */
  store?: RateWindowStore;
  /**
   * Where learned `remaining` counts live; a Redis store shares what one instance learns with all
   * (each counts down the same number before sending). @default in-process
   */
  learned?: LearnedLimitStore;
  /** Limits per provider id. @default none (only learned limits apply) */
  limits?: Readonly<Record<string, RateLimitSettings>>;
  /** How often a waiting call pushes a heartbeat. @default 1000 */
  heartbeatEveryMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** A counted call: how long it waited, and how to tell the limiter the provider has answered. */
export interface RateLimitTicket {
  waitedMs: number;
  /**
   * Call once the provider answered (first progress or the end of the call, whichever is first):
   * the call's place in the window moves to now, so it leaves the window no earlier than the
   * provider's own count, however late the request actually left. Idempotent.
   */
  settle: () => void;
}

const noSettle = (): void => {};

/** Options of one {@link RateLimiter.acquire}. */
export interface AcquireOptions {
  /** Tokens the call is expected to use. @default 0 */
  tokens?: number;
  signal?: AbortSignal;
  /** Called before each stretch of waiting with the time still to wait. */
  onWait?: (waitMs: number, waitedMs: number) => void;
}

const DEFAULT_MAX_WAIT_MS = 30_000;
/**
 * A counted call holds its place as "sent just now" until the provider answers (`settle`), at
 * most this long: a process that dies mid-call frees its slot after it.
 */
const IN_FLIGHT_HOLD_MS = 120_000;

/** A short, stable, non-reversible id of an API key (12 hex digits of its SHA-256). */
export function keyIdOf(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 12);
}

/**
 * Proactive rate limits per provider deployment and key: requests and tokens per minute from the
 * configuration and learned from the provider's own response headers, counted in a sliding
 * window (in process, or shared through Redis). A call that would exceed a limit waits until it
 * fits — or, when that would take longer than `maxWaitMs`, is refused with a `rate_limit` error
 * at once, before the provider ever answers 429.
 *
 * @example
 * const limiter = new RateLimiter({ limits: { openai: { requestsPerMinute: 500 } } });
 * await limiter.acquire('openai', { tokens: 1200, signal });
 */
export class RateLimiter {
  private readonly store: RateWindowStore;
  private readonly learned: LearnedLimitStore | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly heartbeatEveryMs: number;
  private readonly states = new Map<string, ProviderLimitState>();
  private sharing: Promise<void> = Promise.resolve();

  constructor(options: RateLimiterOptions = {}) {
    this.store = options.store ?? new MemoryRateWindowStore();
    this.learned = options.learned;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.heartbeatEveryMs = options.heartbeatEveryMs ?? 1000;
    for (const [provider, settings] of Object.entries(options.limits ?? {}))
      this.configure(provider, settings);
  }

  /** Sets (replaces) the configured limits of `provider`; learned limits are kept. */
  configure(provider: string, settings: RateLimitSettings): void {
    this.state(provider).settings = { ...settings };
  }

  /** Whether any limit, configured or learned, applies to `provider` (else calls pass at once). */
  governs(provider: string): boolean {
    return this.states.has(provider);
  }

  /** Providers with a configured or learned limit. */
  providers(): string[] {
    return [...this.states.keys()];
  }

  /** Learns from a provider's response headers (remaining, reset, limit, Retry-After on 429/503). */
  learn(provider: string, headers: HeaderSource | undefined, status: number): void {
    const now = this.clock.now();
    const reading = readRateLimitHeaders(headers, status, now);
    if (!reading) return;
    const s = this.state(provider);
    learnReading(s, reading, now);
    this.share(provider, s, now, reading.requests !== undefined, reading.tokens !== undefined);
    if (reading.retryAfterMs !== undefined) {
      const until = now + reading.retryAfterMs;
      s.blockedUntil = Math.max(s.blockedUntil, until);
      this.store.blockUntil(limitBucket(provider, s), until, now).catch((err: unknown) => {
        this.logger.warn({ tag: 'RATE_LIMIT_BLOCK_FAILED', provider, err }, 'could not share a Retry-After');
      });
    }
  }

  /**
   * Waits until a call of `options.tokens` fits `provider`'s limits and counts it.
   * @returns how long the call waited (0 when it fitted at once) and its `settle`.
   * @throws ReelayError `REELAY_ERR_RATE_LIMITED` (category `rate_limit`, not retryable) when the
   *   wait would exceed `maxWaitMs`; the signal's reason when aborted while waiting.
   */
  async acquire(provider: string, options: AcquireOptions = {}): Promise<RateLimitTicket> {
    const s = this.states.get(provider);
    if (!s) return { waitedMs: 0, settle: noSettle };
    const tokens = Math.max(0, Math.round(options.tokens ?? 0));
    const maxWaitMs = s.settings.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    const started = this.clock.now();
    let waited = false;
    try {
      for (;;) {
        options.signal?.throwIfAborted();
        const now = this.clock.now();
        const counted = await this.tryCount(provider, s, now, tokens);
        if (typeof counted !== 'number') {
          if (waited) s.waitedMsTotal += now - started;
          return { waitedMs: now - started, settle: this.settler(provider, s, counted.entry) };
        }
        const wait = counted;
        const waitedMs = now - started;
        if (waitedMs + wait > maxWaitMs) {
          s.rejected++;
          throw rateLimitWaitError(provider, waitedMs + wait, maxWaitMs);
        }
        if (!waited) {
          waited = true;
          s.waiting++;
          s.waits++;
        }
        options.onWait?.(wait, waitedMs);
        await sleep(this.clock, Math.min(wait, this.heartbeatEveryMs), options.signal);
      }
    } finally {
      if (waited) s.waiting--;
    }
  }

  /** The state of `provider`'s limit, or undefined when none applies. */
  view(provider: string): RateLimitView | undefined {
    const s = this.states.get(provider);
    if (!s) return undefined;
    return limitView(provider, s, this.clock.now());
  }

  /** A ticket's `settle`: restamps the counted entry at the time the provider answered. */
  private settler(provider: string, s: ProviderLimitState, entry: string | undefined): () => void {
    if (entry === undefined) return noSettle;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.store.restamp(limitBucket(provider, s), entry, this.clock.now()).catch((err: unknown) => {
        this.logger.warn(
          { tag: 'RATE_LIMIT_RESTAMP_FAILED', provider, err },
          'could not restamp a counted call',
        );
      });
    };
  }

  /** Counts the call when it fits now (returns its entry), else returns the ms until it may. */
  private async tryCount(
    provider: string,
    s: ProviderLimitState,
    now: number,
    tokens: number,
  ): Promise<number | { entry: string | undefined }> {
    let wait = Math.max(0, s.blockedUntil - now);
    const shared = wait > 0 ? undefined : await this.takeShared(provider, s, now, tokens);
    if (shared && !shared.ok) return Math.max(1, shared.waitMs);
    if (!shared && s.requests && now < s.requests.resetAt && s.requests.remaining < 1)
      wait = Math.max(wait, s.requests.resetAt - now);
    if (!shared && s.tokens && now < s.tokens.resetAt && tokens > 0 && s.tokens.remaining < tokens)
      wait = Math.max(wait, s.tokens.resetAt - now);
    if (wait > 0) return wait;
    const limits = windowLimits(s);
    if (limits.requests !== undefined || limits.tokens !== undefined) {
      const answer = await this.store.acquire({
        bucket: limitBucket(provider, s),
        now,
        tokens,
        limits,
        holdMs: IN_FLIGHT_HOLD_MS,
      });
      s.inWindow = { requests: answer.requests, tokens: answer.tokens };
      if (!answer.ok) {
        if (shared) this.learned?.refund(limitBucket(provider, s), tokens).catch(() => {});
        return Math.max(1, answer.waitMs);
      }
      if (!shared) countLearned(s, tokens);
      return { entry: answer.entry };
    }
    if (!shared) countLearned(s, tokens);
    return { entry: undefined };
  }

  /**
   * With a shared learned store: takes from the counts every instance lowers (and mirrors them
   * for `view`). Undefined without one, or when it failed (the local counts decide then).
   */
  private async takeShared(
    provider: string,
    s: ProviderLimitState,
    now: number,
    tokens: number,
  ): Promise<LearnedTake | undefined> {
    if (!this.learned) return undefined;
    try {
      const take = await this.learned.take(limitBucket(provider, s), tokens, now);
      s.requests = take.requests ? { ...take.requests } : undefined;
      s.tokens = take.tokens ? { ...take.tokens } : undefined;
      return take;
    } catch (err) {
      this.logger.warn(
        { tag: 'RATE_LIMIT_LEARNED_FAILED', provider, err },
        'shared learned limits unavailable',
      );
      return undefined;
    }
  }

  /** Writes freshly learned counts to the shared store, when there is one. */
  private share(
    provider: string,
    s: ProviderLimitState,
    now: number,
    requests: boolean,
    tokens: boolean,
  ): void {
    const store = this.learned;
    if (!store) return;
    const bucket = limitBucket(provider, s);
    const writes = [
      requests && s.requests ? store.learn(bucket, 'requests', s.requests, now) : undefined,
      tokens && s.tokens ? store.learn(bucket, 'tokens', s.tokens, now) : undefined,
    ];
    const pending = Promise.all(writes).catch((err: unknown) => {
      this.logger.warn({ tag: 'RATE_LIMIT_LEARNED_FAILED', provider, err }, 'could not share learned limits');
    });
    this.sharing = pending.then(() => {});
  }

  /** Resolves once the last learned counts reached the shared store (for tests and shutdown). */
  whenShared(): Promise<void> {
    return this.sharing;
  }

  private state(provider: string): ProviderLimitState {
    let s = this.states.get(provider);
    if (!s) {
      s = newLimitState();
      this.states.set(provider, s);
    }
    return s;
  }
}
