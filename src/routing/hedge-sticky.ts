/** What is known about a hedge race in a sticky session when it is decided. */
export interface StickyHedgeRace {
  /** The deployment the session is pinned to (it ran a leg of the race). */
  readonly locked: string;
  /** The deployment whose first token came first. */
  readonly winner: string;
  /** Ms after the request's start each leg started (the primary at 0, the hedge at its delay). */
  readonly lockedStartedAfterMs: number;
  readonly winnerStartedAfterMs: number;
  /** Ms after the request's start the winner produced its first token. */
  readonly firstTokenAfterMs: number;
  /** The locked deployment's own p95 time to first token; undefined when too few samples. */
  readonly lockedP95Ms: number | undefined;
}

/** The verdict of {@link sessionMovesToWinner}, with the numbers it compared. */
export interface StickyVerdict {
  readonly move: boolean;
  /** How much longer than the winner the locked deployment is known to have taken (a lower bound). */
  readonly lostByMs: number;
  readonly why: 'locked-won' | 'no-p95' | 'within-p95' | 'lost-by-more-than-p95';
}

/**
 * The sticky-session rule of docs/hedging.md#sticky: a session moves to the hedge winner only
 * when its locked deployment lost by more than the locked deployment's own p95 time to first
 * token. "Lost by" compares each leg's own time to first token: the locked leg ran
 * `firstTokenAfterMs − lockedStartedAfterMs` without one (it is aborted at once, so this is a
 * lower bound of its real time), the winner took `firstTokenAfterMs − winnerStartedAfterMs`. The
 * difference must be strictly greater than the p95; without a known p95 the session stays.
 *
 * @example
 * sessionMovesToWinner({ locked: 'a', winner: 'b', lockedStartedAfterMs: 0, winnerStartedAfterMs: 800,
 *   firstTokenAfterMs: 950, lockedP95Ms: 600 }).move; // true: lost by ≥ 800 ms > 600 ms
 */
export function sessionMovesToWinner(race: StickyHedgeRace): StickyVerdict {
  const lockedOwn = race.firstTokenAfterMs - race.lockedStartedAfterMs;
  const winnerOwn = race.firstTokenAfterMs - race.winnerStartedAfterMs;
  const lostByMs = Math.max(0, lockedOwn - winnerOwn);
  if (race.winner === race.locked) return { move: false, lostByMs: 0, why: 'locked-won' };
  if (race.lockedP95Ms === undefined) return { move: false, lostByMs, why: 'no-p95' };
  if (lostByMs > race.lockedP95Ms) return { move: true, lostByMs, why: 'lost-by-more-than-p95' };
  return { move: false, lostByMs, why: 'within-p95' };
}
