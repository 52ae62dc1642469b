import { describe, expect, it } from 'vitest';
import { type StickyHedgeRace, sessionMovesToWinner } from './hedge-sticky.js';

/** Locked primary from 0, hedge on `b` started at 800 ms, first token at 950 ms. */
const race = (over: Partial<StickyHedgeRace> = {}): StickyHedgeRace => ({
  locked: 'a',
  winner: 'b',
  lockedStartedAfterMs: 0,
  winnerStartedAfterMs: 800,
  firstTokenAfterMs: 950,
  lockedP95Ms: 600,
  ...over,
});

describe('sessionMovesToWinner (docs/hedging.md#sticky)', () => {
  it('the locked deployment lost by more than its own p95: the session moves', () => {
    expect(sessionMovesToWinner(race())).toEqual({ move: true, lostByMs: 800, why: 'lost-by-more-than-p95' });
  });

  it('lost by exactly its p95: the session stays (strictly more is needed)', () => {
    expect(sessionMovesToWinner(race({ lockedP95Ms: 800 }))).toEqual({
      move: false,
      lostByMs: 800,
      why: 'within-p95',
    });
    expect(sessionMovesToWinner(race({ lockedP95Ms: 799 })).move).toBe(true);
  });

  it('lost by less than its p95 (a hedge delay shorter than the p95): stays', () => {
    expect(sessionMovesToWinner(race({ winnerStartedAfterMs: 300, lockedP95Ms: 600 }))).toMatchObject({
      move: false,
      lostByMs: 300,
    });
  });

  it('the locked deployment won: stays', () => {
    expect(sessionMovesToWinner(race({ winner: 'a' }))).toMatchObject({ move: false, why: 'locked-won' });
  });

  it('no p95 known for the locked deployment: stays', () => {
    expect(sessionMovesToWinner(race({ lockedP95Ms: undefined }))).toMatchObject({
      move: false,
      why: 'no-p95',
    });
  });
});
