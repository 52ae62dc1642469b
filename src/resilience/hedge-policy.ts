import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import { type HedgeOutcome, raceHedged } from './hedge-race.js';

/** What a {@link HedgePolicy} does for one call: wait `delayMs` for first progress, then hedge. */
export interface HedgePlan {
  /** Ms without a first token/byte/progress before the same request is started again. */
  readonly delayMs: number;
  /** Late check just before the hedge starts (e.g. budget). @default always true */
  readonly mayHedge?: () => boolean;
  /** Told how the race ended (winner, loser, times); e.g. to record the loser's spend. */
  readonly onSettled?: (outcome: HedgeOutcome) => void;
}

/** Decides per call whether and when to hedge; undefined = run the call as it is. */
export type HedgePlanner = (ctx: CallContext) => HedgePlan | undefined;

/**
 * Hedging as a call policy, for the default target: the *same* deployment on a fresh request.
 * When the planner returns a plan and the call has produced no first progress after its delay,
 * the inner pipeline runs a second time beside the first; the first to produce a first token
 * wins and the other is aborted through its signal (see {@link raceHedged}). Hedging to another
 * provider needs the router (the work is bound to one provider) and is done by
 * `routing/hedged-turn.ts` with the same race.
 *
 * @example
 * const pipeline = wrap(new HedgePolicy(() => ({ delayMs: 800 })), retry, breaker);
 */
export class HedgePolicy implements CallPolicy {
  constructor(private readonly planner: HedgePlanner) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const plan = this.planner(ctx);
    if (!plan) return fn(ctx);
    return raceHedged(
      {
        primary: fn,
        hedge: fn,
        delayMs: plan.delayMs,
        ...(plan.mayHedge ? { mayHedge: plan.mayHedge } : {}),
        ...(plan.onSettled ? { onSettled: plan.onSettled } : {}),
      },
      ctx,
    );
  }
}
