import { createHash } from 'node:crypto';
import { type Clock, sleep, systemClock } from '../domain/clock.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { LearnedLimitStore, LearnedTake } from '../state/learned-limit-store.js';
import { MemoryRateWindowStore } from '../state/memory/memory-rate-window-store.js';
import type { RateWindowLimits, RateWindowStore } from '../state/rate-window-store.js';
import { rateLimitWaitError } from './limit-refusal.js';
import { readRateLimitHeaders } from './rate-limit-headers.js';
import type { HeaderSource } from './retry-after.js';

/** Rate limits of one provider deployment, from the configuration. */
export interface RateLimitSettings {
  /** Requests allowed per window (per minute by default). */
  requestsPerMinute?: number;
  /** Tokens allowed per window (per minute by default). */
  tokensPerMinute?: number;
  /** Longest a call may wait for the limit before it is refused as `rate_limit`. @default 30000 */
  maxWaitMs?: number;
  /** Length of the window the limits apply to; shorter only to scale tests and benches. @default 60000 */
  windowMs?: number;
  /**
   * Added to the window when counting: a request is counted when it leaves Reelay but reaches the
   * provider a little later, and jitter in that delay could otherwise put one request too many
   * into the provider's own window. @default 1 % of the window
   */
  marginMs?: number;
  /** Id of the API key in use ({@link keyIdOf}), so each key has its own counters. */
  keyId?: string;
}

/** What `/api/providers` and the metrics show of one provider's rate limit. */
export interface RateLimitView {
  /** Counter id: provider, plus `#<key id>` when a key is known. Never the key. */
  bucket: string;
  windowMs: number;
  /** Requests per window in force (configured, else learned from the provider's headers). */
  requestLimit: number | null;
  tokenLimit: number | null;
  /** Requests left: the lower of the window's room and what the provider last said. */
  remainingRequests: number | null;
  remainingTokens: number | null;
  /** Calls waiting for the limit right now. */
  waiting: number;
  /** Calls that had to wait, and for how long in total. */
  waits: number;
  waitedMsTotal: number;
  /** Calls refused because the wait would exceed `maxWaitMs`. */
  rejected: number;
  /** ISO time until which the provider asked us to stop (Retry-After), when in force. */
  blockedUntil: string | null;
}

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

interface LearnedLimit {
  remaining: number;
  resetAt: number;
}

interface ProviderState {
  settings: RateLimitSettings;
  requests?: LearnedLimit;
  tokens?: LearnedLimit;
  limitRequests?: number;
  limitTokens?: number;
  blockedUntil: number;
  inWindow?: { requests: number; tokens: number };
  waiting: number;
  waits: number;
  waitedMsTotal: number;
  rejected: number;
}

const DEFAULT_WINDOW_MS = 60_000;
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
  private readonly states = new Map<string, ProviderState>();
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
    const windowMs = s.settings.windowMs ?? DEFAULT_WINDOW_MS;
    if (reading.requests) {
      s.requests = {
        remaining: reading.requests.remaining,
        resetAt: now + (reading.requests.resetMs ?? windowMs),
      };
      if (reading.requests.limit !== undefined) s.limitRequests = reading.requests.limit;
    }
    if (reading.tokens) {
      s.tokens = { remaining: reading.tokens.remaining, resetAt: now + (reading.tokens.resetMs ?? windowMs) };
      if (reading.tokens.limit !== undefined) s.limitTokens = reading.tokens.limit;
    }
    this.share(provider, s, now, reading.requests !== undefined, reading.tokens !== undefined);
    if (reading.retryAfterMs !== undefined) {
      const until = now + reading.retryAfterMs;
      s.blockedUntil = Math.max(s.blockedUntil, until);
      this.store.blockUntil(this.bucketOf(provider, s), until, now).catch((err: unknown) => {
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
    const now = this.clock.now();
    const limits = this.windowLimits(s);
    const roomReq =
      limits.requests === undefined ? undefined : Math.max(0, limits.requests - (s.inWindow?.requests ?? 0));
    const roomTok =
      limits.tokens === undefined ? undefined : Math.max(0, limits.tokens - (s.inWindow?.tokens ?? 0));
    const learnedReq = s.requests && now < s.requests.resetAt ? s.requests.remaining : undefined;
    const learnedTok = s.tokens && now < s.tokens.resetAt ? s.tokens.remaining : undefined;
    return {
      bucket: this.bucketOf(provider, s),
      windowMs: limits.windowMs,
      requestLimit: limits.requests ?? null,
      tokenLimit: limits.tokens ?? null,
      remainingRequests: lowest(roomReq, learnedReq),
      remainingTokens: lowest(roomTok, learnedTok),
      waiting: s.waiting,
      waits: s.waits,
      waitedMsTotal: s.waitedMsTotal,
      rejected: s.rejected,
      blockedUntil: s.blockedUntil > now ? new Date(s.blockedUntil).toISOString() : null,
    };
  }

  /** A ticket's `settle`: restamps the counted entry at the time the provider answered. */
  private settler(provider: string, s: ProviderState, entry: string | undefined): () => void {
    if (entry === undefined) return noSettle;
    let settled = false;
    return () => {
      if (settled) return;
      settled = true;
      this.store.restamp(this.bucketOf(provider, s), entry, this.clock.now()).catch((err: unknown) => {
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
    s: ProviderState,
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
    const limits = this.windowLimits(s);
    if (limits.requests !== undefined || limits.tokens !== undefined) {
      const answer = await this.store.acquire({
        bucket: this.bucketOf(provider, s),
        now,
        tokens,
        limits,
        holdMs: IN_FLIGHT_HOLD_MS,
      });
      s.inWindow = { requests: answer.requests, tokens: answer.tokens };
      if (!answer.ok) {
        if (shared) this.learned?.refund(this.bucketOf(provider, s), tokens).catch(() => {});
        return Math.max(1, answer.waitMs);
      }
      if (!shared) this.countLearned(s, tokens);
      return { entry: answer.entry };
    }
    if (!shared) this.countLearned(s, tokens);
    return { entry: undefined };
  }

  /**
   * With a shared learned store: takes from the counts every instance lowers (and mirrors them
   * for `view`). Undefined without one, or when it failed (the local counts decide then).
   */
  private async takeShared(
    provider: string,
    s: ProviderState,
    now: number,
    tokens: number,
  ): Promise<LearnedTake | undefined> {
    if (!this.learned) return undefined;
    try {
      const take = await this.learned.take(this.bucketOf(provider, s), tokens, now);
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
  private share(provider: string, s: ProviderState, now: number, requests: boolean, tokens: boolean): void {
    const store = this.learned;
    if (!store) return;
    const bucket = this.bucketOf(provider, s);
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

  private countLearned(s: ProviderState, tokens: number): void {
    if (s.requests) s.requests.remaining--;
    if (s.tokens) s.tokens.remaining -= tokens;
  }

  private windowLimits(s: ProviderState): RateWindowLimits & { windowMs: number } {
    const requests = s.settings.requestsPerMinute ?? s.limitRequests;
    const tokens = s.settings.tokensPerMinute ?? s.limitTokens;
    const windowMs = s.settings.windowMs ?? DEFAULT_WINDOW_MS;
    return {
      windowMs: windowMs + (s.settings.marginMs ?? Math.round(windowMs / 100)),
      ...(requests !== undefined ? { requests } : {}),
      ...(tokens !== undefined ? { tokens } : {}),
    };
  }

  private bucketOf(provider: string, s: ProviderState): string {
    return s.settings.keyId ? `${provider}#${s.settings.keyId}` : provider;
  }

  private state(provider: string): ProviderState {
    let s = this.states.get(provider);
    if (!s) {
      s = { settings: {}, blockedUntil: 0, waiting: 0, waits: 0, waitedMsTotal: 0, rejected: 0 };
      this.states.set(provider, s);
    }
    return s;
  }
}

function lowest(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined) return b ?? null;
  return b === undefined ? a : Math.min(a, b);
}
