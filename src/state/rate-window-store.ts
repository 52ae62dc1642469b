/**
 * The counter behind proactive rate limits: a sliding window of admitted requests per bucket
 * (one provider deployment and key). Kept in process by default; a Redis implementation shares
 * it between instances with one atomic script (`redis/rate-window-script.ts`).
 */

/** Limits of one bucket over a sliding window of `windowMs`; an absent limit is not enforced. */
export interface RateWindowLimits {
  /** Length of the sliding window, ms (60 000 for "per minute"). */
  readonly windowMs: number;
  /** Requests allowed in any window. */
  readonly requests?: number;
  /** Tokens allowed in any window. */
  readonly tokens?: number;
}

/** One request asking to be counted. */
export interface RateWindowRequest {
  /** Bucket id, e.g. `openai#3f2a9c01b7de` (provider and key id; never the key itself). */
  readonly bucket: string;
  /** Ms since the epoch, from the caller's clock. */
  readonly now: number;
  /** Tokens this request is expected to use (0 when unknown). */
  readonly tokens: number;
  readonly limits: RateWindowLimits;
  /**
   * While a counted request is in flight (not yet restamped), it is held in the window as if it
   * had been sent just now, for at most this long (a process that died mid-call frees its slot
   * then). @default 0: counted at `now`, never held.
   */
  readonly holdMs?: number;
}

/** The answer: admitted (and counted), or how long until the request would fit. */
export type RateWindowAnswer =
  | {
      readonly ok: true;
      readonly requests: number;
      readonly tokens: number;
      /** Id of the counted entry, for {@link RateWindowStore.restamp}. */
      readonly entry: string;
    }
  | { readonly ok: false; readonly waitMs: number; readonly requests: number; readonly tokens: number };

/** A sliding-window counter; every `acquire` is check-and-increment in one atomic step. */
export interface RateWindowStore {
  /**
   * Drops entries older than the window, then counts the request when it fits under every
   * limit (and no block is in force); otherwise counts nothing and says how long to wait.
   * `requests` / `tokens` are what the window holds after the answer.
   */
  acquire(req: RateWindowRequest): Promise<RateWindowAnswer>;
  /**
   * Moves a counted entry to `at` (later than when it was counted), so that it leaves the window
   * no earlier than the provider's own count does: the request reached the provider at some time
   * between counting and its first response. An entry no longer in the window is left alone.
   */
  restamp(bucket: string, entry: string, at: number): Promise<void>;
  /** Refuses every request of `bucket` until `untilMs` (a provider's Retry-After); `now` from the caller's clock. */
  blockUntil(bucket: string, untilMs: number, now: number): Promise<void>;
}

/** One admitted request in a window. */
export interface WindowEntry {
  readonly at: number;
  readonly tokens: number;
  /** Unique id within the bucket (optional in the arithmetic). */
  readonly id?: string;
}

/**
 * The sliding-window arithmetic shared by the memory store and mirrored in Lua: how long until a
 * request of `tokens` fits into a window holding `entries` (oldest first, all unexpired).
 * 0 means it fits now. An entry stamped in the future is in flight (see `holdMs`): it leaves the
 * window no earlier than one full window from now. A request larger than the whole token limit fits an empty window
 * (the provider is left to judge it rather than waiting forever).
 */
export function windowWaitMs(
  entries: readonly WindowEntry[],
  now: number,
  tokens: number,
  limits: RateWindowLimits,
): number {
  let wait = 0;
  const count = entries.length;
  if (limits.requests !== undefined && count + 1 > limits.requests) {
    const oldestToExpire = entries[count - limits.requests];
    if (oldestToExpire) wait = Math.max(wait, expiresIn(oldestToExpire, now, limits.windowMs));
  }
  if (limits.tokens !== undefined && tokens > 0) {
    let used = 0;
    for (const e of entries) used += e.tokens;
    const need = used + tokens - limits.tokens;
    if (need > 0 && used > 0) {
      let freed = 0;
      for (const e of entries) {
        freed += e.tokens;
        if (freed >= need) {
          wait = Math.max(wait, expiresIn(e, now, limits.windowMs));
          break;
        }
      }
    }
  }
  return Math.max(0, wait);
}

function expiresIn(e: WindowEntry, now: number, windowMs: number): number {
  return e.at > now ? windowMs : e.at + windowMs - now;
}

/** Drops the entries that left the window at `now` (an entry expires at `at + windowMs`). */
export function pruneWindow(entries: WindowEntry[], now: number, windowMs: number): void {
  let drop = 0;
  while (drop < entries.length && (entries[drop] as WindowEntry).at + windowMs <= now) drop++;
  if (drop > 0) entries.splice(0, drop);
}
