import type { CallContext, CallFn, CallObserver } from '../domain/call-context.js';
import type { TimerHandle } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { Heartbeat } from '../domain/heartbeat.js';

/** Which leg of a hedged call: the first request, or the one started after the hedge delay. */
export type HedgeLeg = 'primary' | 'hedge';

/** How a hedged call ended (handed to {@link HedgeRaceOptions.onSettled} once). */
export interface HedgeOutcome {
  /** Whether the hedge leg was started at all. */
  readonly hedged: boolean;
  /** The leg whose first token (or whole answer) came first; undefined when both failed. */
  readonly winner: HedgeLeg | undefined;
  /** Clock time the primary leg started. */
  readonly startedAt: number;
  /** Clock time the hedge leg started, when it did. */
  readonly hedgeStartedAt?: number;
  /** Clock time the winner produced its first token (or answered). */
  readonly firstTokenAt?: number;
  /** The leg that was aborted because the other one won, when one was. */
  readonly loser?: HedgeLeg;
}

/** Options of {@link raceHedged}. */
export interface HedgeRaceOptions<T> {
  /** The first request. */
  readonly primary: CallFn<T>;
  /** The request started when the primary shows no progress after `delayMs`. */
  readonly hedge: CallFn<T>;
  /** Ms to wait for the primary's first progress before starting the hedge (≥ 0). */
  readonly delayMs: number;
  /**
   * Asked when the delay has passed, just before the hedge starts (e.g. a budget read at that
   * moment); false = no hedge, the primary runs on alone. @default always true
   */
  readonly mayHedge?: () => boolean;
  /** Called once when the race is decided or both legs failed. Never allowed to throw into the call. */
  readonly onSettled?: (outcome: HedgeOutcome) => void;
}

/** The reason a losing leg is aborted with: not a provider failure (retry, breaker and measuring skip it). */
export function hedgeLostError(leg: HedgeLeg, provider: string): ReelayError {
  return new ReelayError('REELAY_ERR_CANCELED', `The ${leg} request to ${provider} lost the hedge race`, {
    provider,
    details: { hedge: 'lost', leg },
  });
}

/** A heartbeat that shows output: a first token, chunk or percent (a message alone is liveness). */
export function isFirstProgress(beat: Heartbeat): boolean {
  return (beat.tokens ?? 0) > 0 || (beat.chunks ?? 0) > 0 || (beat.percent ?? 0) > 0;
}

interface LegState {
  readonly control: AbortController;
  failed: boolean;
  error?: unknown;
  settled: boolean;
}

/**
 * Runs `primary`; when it has shown no progress after `delayMs`, starts `hedge` while the primary
 * keeps running. The first leg to produce a first token (a progress heartbeat) or to answer wins;
 * the other is aborted through its own signal at once with {@link hedgeLostError}. Only the
 * winner's heartbeats reach `ctx.heartbeat` after the decision. A leg that fails before the race
 * is decided does not fail the call while the other still runs; when both fail, the primary's
 * error is thrown. A failure of the winner after its first token is the call's failure (the client
 * may already have its output). Time comes from `ctx.clock`; nothing sleeps.
 *
 * @example
 * const value = await raceHedged({ primary: run, hedge: run, delayMs: 800 }, ctx);
 */
export function raceHedged<T>(options: HedgeRaceOptions<T>, ctx: CallContext): Promise<T> {
  const { clock } = ctx;
  const startedAt = clock.now();
  return new Promise<T>((resolve, reject) => {
    let winner: HedgeLeg | undefined;
    let hedgeStartedAt: number | undefined;
    let firstTokenAt: number | undefined;
    let timer: TimerHandle | undefined;
    let done = false;
    const legs: Partial<Record<HedgeLeg, LegState>> = {};
    const other = (leg: HedgeLeg): HedgeLeg => (leg === 'primary' ? 'hedge' : 'primary');

    const onOuterAbort = (): void => {
      for (const state of Object.values(legs)) state?.control.abort(ctx.signal.reason);
    };
    const finish = (outcome: { ok: true; value: T } | { ok: false; error: unknown }): void => {
      if (done) return;
      done = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onOuterAbort);
      const loser = winner && legs[other(winner)] ? other(winner) : undefined;
      try {
        options.onSettled?.({
          hedged: hedgeStartedAt !== undefined,
          winner,
          startedAt,
          ...(hedgeStartedAt === undefined ? {} : { hedgeStartedAt }),
          ...(firstTokenAt === undefined ? {} : { firstTokenAt }),
          ...(loser === undefined ? {} : { loser }),
        });
      } catch {
        // An observer must not change the call's outcome.
      }
      if (outcome.ok) resolve(outcome.value);
      else reject(outcome.error);
    };
    const claim = (leg: HedgeLeg): void => {
      if (winner !== undefined) return;
      winner = leg;
      firstTokenAt = clock.now();
      if (timer !== undefined) clock.clearTimeout(timer);
      const loser = legs[other(leg)];
      if (loser && !loser.settled) loser.control.abort(hedgeLostError(other(leg), ctx.call.provider));
    };
    const failIfBothFailed = (): void => {
      if (legs.primary?.failed && legs.hedge?.failed) finish({ ok: false, error: legs.primary.error });
    };

    const start = (leg: HedgeLeg, fn: CallFn<T>): void => {
      const control = new AbortController();
      const state: LegState = { control, failed: false, settled: false };
      legs[leg] = state;
      const legCtx: CallContext = {
        ...ctx,
        signal: control.signal,
        attempt: leg === 'primary' ? ctx.attempt : ctx.attempt + 1,
        heartbeat: (beat) => {
          if (winner === undefined && isFirstProgress(beat)) claim(leg);
          if (winner === undefined || winner === leg) ctx.heartbeat(beat);
        },
        ...(ctx.observer ? { observer: legObserver(ctx.observer, control.signal) } : {}),
      };
      let running: Promise<T>;
      try {
        running = fn(legCtx);
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (value) => {
          state.settled = true;
          claim(leg);
          if (winner === leg) finish({ ok: true, value });
        },
        (error: unknown) => {
          state.settled = true;
          state.failed = true;
          state.error = error;
          if (winner === leg) finish({ ok: false, error });
          else if (winner === undefined) {
            if (leg === 'primary' && legs.hedge === undefined) {
              // Failed before any hedge: the call fails now (retry and fallback handle it).
              finish({ ok: false, error });
            } else failIfBothFailed();
          }
        },
      );
    };

    if (ctx.signal.aborted) {
      reject(ctx.signal.reason);
      return;
    }
    ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
    start('primary', options.primary);
    if (done || winner !== undefined) return;
    timer = clock.setTimeout(
      () => {
        timer = undefined;
        if (done || winner !== undefined || ctx.signal.aborted) return;
        if (options.mayHedge && !options.mayHedge()) return;
        hedgeStartedAt = clock.now();
        start('hedge', options.hedge);
      },
      Math.max(0, options.delayMs),
    );
  });
}

/**
 * The call's observer as one leg sees it: a leg stopped because it lost must not be reported as
 * an interruption of the whole call (the router would abort the winner with it).
 */
function legObserver(observer: CallObserver, legSignal: AbortSignal): CallObserver {
  return {
    ...observer,
    onInterrupted: (reason) => {
      if (legSignal.aborted && isHedgeLoss(legSignal.reason)) return;
      observer.onInterrupted?.(reason);
    },
  };
}

/** Whether `reason` is a {@link hedgeLostError}. */
export function isHedgeLoss(reason: unknown): boolean {
  return (
    ReelayError.isInstance(reason) &&
    reason.code === 'REELAY_ERR_CANCELED' &&
    (reason.details as { hedge?: unknown } | undefined)?.hedge === 'lost'
  );
}
