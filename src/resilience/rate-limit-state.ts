import type { RateWindowLimits } from '../state/rate-window-store.js';
import type { RateLimitReading } from './rate-limit-headers.js';

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

interface LearnedLimit {
  remaining: number;
  resetAt: number;
}

/** What a {@link RateLimiter} keeps per provider: settings, learned counts, and its own figures. */
export interface ProviderLimitState {
  settings: RateLimitSettings;
  requests?: LearnedLimit | undefined;
  tokens?: LearnedLimit | undefined;
  limitRequests?: number;
  limitTokens?: number;
  /** Epoch ms until which the provider asked us to stop (Retry-After). */
  blockedUntil: number;
  /** The window's counts at the last acquire. */
  inWindow?: { requests: number; tokens: number };
  waiting: number;
  waits: number;
  waitedMsTotal: number;
  rejected: number;
}

/** Window length when none is configured. */
export const DEFAULT_WINDOW_MS = 60_000;

/** A provider state with nothing configured or learned yet. */
export function newLimitState(): ProviderLimitState {
  return { settings: {}, blockedUntil: 0, waiting: 0, waits: 0, waitedMsTotal: 0, rejected: 0 };
}

/** Counter id: provider, plus `#<key id>` when a key is known. */
export function limitBucket(provider: string, s: ProviderLimitState): string {
  return s.settings.keyId ? `${provider}#${s.settings.keyId}` : provider;
}

/** Limits in force (configured, else learned), over the window widened by its margin. */
export function windowLimits(s: ProviderLimitState): RateWindowLimits & { windowMs: number } {
  const requests = s.settings.requestsPerMinute ?? s.limitRequests;
  const tokens = s.settings.tokensPerMinute ?? s.limitTokens;
  const windowMs = s.settings.windowMs ?? DEFAULT_WINDOW_MS;
  return {
    windowMs: windowMs + (s.settings.marginMs ?? Math.round(windowMs / 100)),
    ...(requests !== undefined ? { requests } : {}),
    ...(tokens !== undefined ? { tokens } : {}),
  };
}

/** Takes one counted call off the locally learned `remaining` counts. */
export function countLearned(s: ProviderLimitState, tokens: number): void {
  if (s.requests) s.requests.remaining--;
  if (s.tokens) s.tokens.remaining -= tokens;
}

/** Records what one response said about the request and token limits (Retry-After aside). */
export function learnReading(s: ProviderLimitState, reading: RateLimitReading, now: number): void {
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
}

/** The view of one provider's limit at `now`. */
export function limitView(provider: string, s: ProviderLimitState, now: number): RateLimitView {
  const limits = windowLimits(s);
  const roomReq =
    limits.requests === undefined ? undefined : Math.max(0, limits.requests - (s.inWindow?.requests ?? 0));
  const roomTok =
    limits.tokens === undefined ? undefined : Math.max(0, limits.tokens - (s.inWindow?.tokens ?? 0));
  const learnedReq = s.requests && now < s.requests.resetAt ? s.requests.remaining : undefined;
  const learnedTok = s.tokens && now < s.tokens.resetAt ? s.tokens.remaining : undefined;
  return {
    bucket: limitBucket(provider, s),
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

function lowest(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined) return b ?? null;
  return b === undefined ? a : Math.min(a, b);
}
