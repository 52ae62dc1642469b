import { type Clock, sleep, systemClock } from '../domain/clock.js';
import type { ErrorCategory } from '../domain/error-category.js';
import type { ReelayError } from '../domain/errors.js';
import type { AttemptRecord } from '../domain/events.js';
import { computeBackoff } from './backoff.js';
import { classifyError } from './classify-error.js';
import { RecoveryExhaustedError, type RecoveryNext } from './recovery-exhausted-error.js';
import { type RecoveryStrategies, resolveStrategies, type StrategyOverrides } from './recovery-strategies.js';
import { DEFAULT_MAX_RETRY_AFTER_MS } from './retry-after.js';

/** What to do after a failed attempt. */
export type RecoveryDecision =
  | { action: 'retry'; delayMs: number /** Number of the attempt that will follow. */; attempt: number }
  | { action: RecoveryNext; category: ErrorCategory };

/** Options of {@link ErrorRecoveryEngine}. */
export interface ErrorRecoveryEngineOptions {
  /** @default systemClock */
  clock?: Clock;
  /** A full table or overrides merged onto the defaults. @default DEFAULT_RECOVERY_STRATEGIES */
  strategies?: StrategyOverrides;
  /** Randomness for backoff jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Cap on a provider's `Retry-After`. @default 300000 */
  maxRetryAfterMs?: number;
  /** Jitter fraction added to computed backoff delays (not to `Retry-After`). @default 0.1 */
  jitter?: number;
}

/** A retry about to be waited for, passed to `onRetryScheduled`. */
export interface ScheduledRetry {
  /** Number of the attempt that will follow. */
  attempt: number;
  delayMs: number;
  category: ErrorCategory;
  error: ReelayError;
}

/** Options of {@link ErrorRecoveryEngine.execute}. */
export interface RecoveryExecuteOptions {
  /** Provider being called (for classification, messages and attempt records). */
  provider: string;
  /** Aborts the call and any wait; an abort is rethrown as-is, never retried. */
  signal?: AbortSignal;
  /** Called after each failed attempt with its record and classified error. */
  onAttemptFailed?: (record: AttemptRecord, error: ReelayError) => void;
  /** Called before each wait for a retry. */
  onRetryScheduled?: (retry: ScheduledRetry) => void;
}

const NEVER_ABORTED = new AbortController().signal;

/**
 * Recovers from a provider error on the same provider: decides per error category whether to
 * retry (and after which delay) or hand over (`switch`, `degrade`, `fail`), and runs the retries.
 * Errors with `retryable: false` are never retried on the same provider; a provider's
 * `retryAfterMs` replaces the computed backoff (capped at `maxRetryAfterMs`).
 *
 * @example
 * const engine = new ErrorRecoveryEngine({ clock });
 * const text = await engine.execute((attempt, signal) => provider.chat(req, { signal, heartbeat }), {
 *   provider: provider.id, signal,
 * });
 */
export class ErrorRecoveryEngine {
  /** The strategy table in use (defaults merged with the configured overrides). */
  readonly strategies: RecoveryStrategies;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly maxRetryAfterMs: number;
  private readonly jitter: number;

  constructor(options: ErrorRecoveryEngineOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.strategies = resolveStrategies(options.strategies);
    this.random = options.random ?? Math.random;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.jitter = options.jitter ?? 0.1;
  }

  /**
   * Decides what follows a failed attempt.
   * @param attemptsSoFar Attempts already made for this call, the failed one included (≥ 1).
   */
  decide(error: ReelayError, attemptsSoFar: number): RecoveryDecision {
    const category = error.category ?? 'system_error';
    const strategy = this.strategies[category];
    const retriesUsed = Math.max(0, attemptsSoFar - 1);
    if (error.retryable && retriesUsed < strategy.maxRetries) {
      const retry = retriesUsed + 1;
      const delayMs =
        error.retryAfterMs !== undefined
          ? Math.min(Math.max(0, error.retryAfterMs), this.maxRetryAfterMs)
          : computeBackoff({
              kind: strategy.backoff,
              baseMs: strategy.baseMs,
              maxMs: strategy.maxMs,
              attempt: retry,
              jitter: this.jitter,
              random: this.random,
            });
      return { action: 'retry', delayMs, attempt: attemptsSoFar + 1 };
    }
    return { action: strategy.then === 'retry_same' ? 'switch' : strategy.then, category };
  }

  /**
   * Runs `fn` (attempts numbered from 1) until it succeeds or recovery on this provider is over.
   * @param firstFailure when given, attempt 1 was already made (by the caller) and failed with
   * this error: recovery starts from it, and `fn` is called from attempt 2 on.
   * @throws RecoveryExhaustedError when retries are exhausted or not allowed.
   * @throws the original error (or the signal's reason during a wait) when `signal` aborts.
   */
  async execute<T>(
    fn: (attempt: number, signal: AbortSignal) => Promise<T>,
    options: RecoveryExecuteOptions,
    firstFailure?: { error: unknown },
  ): Promise<T> {
    const signal = options.signal ?? NEVER_ABORTED;
    const attempts: AttemptRecord[] = [];
    let attempt = 1;
    if (firstFailure !== undefined) {
      await this.recover(firstFailure.error, attempt, attempts, options, signal);
      attempt++;
    }
    for (; ; attempt++) {
      signal.throwIfAborted();
      try {
        return await fn(attempt, signal);
      } catch (thrown) {
        await this.recover(thrown, attempt, attempts, options, signal);
      }
    }
  }

  /** After failed attempt `attempt`: throws when recovery is over, else waits for the retry. */
  private recover(
    thrown: unknown,
    attempt: number,
    attempts: AttemptRecord[],
    options: RecoveryExecuteOptions,
    signal: AbortSignal,
  ): Promise<void> {
    if (signal.aborted) throw thrown;
    const { provider } = options;
    const error = classifyError(thrown, { provider });
    const decision = this.decide(error, attempt);
    const record: AttemptRecord = {
      provider,
      attempt,
      category: error.category ?? 'system_error',
      message: error.message,
      delayMs: decision.action === 'retry' ? decision.delayMs : 0,
      timestamp: new Date(this.clock.now()).toISOString(),
    };
    attempts.push(record);
    options.onAttemptFailed?.(record, error);
    if (decision.action !== 'retry') {
      throw new RecoveryExhaustedError({ provider, attempts, lastError: error, next: decision.action });
    }
    options.onRetryScheduled?.({
      attempt: decision.attempt,
      delayMs: decision.delayMs,
      category: record.category,
      error,
    });
    return sleep(this.clock, decision.delayMs, signal);
  }
}
