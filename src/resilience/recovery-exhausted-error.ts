import { ReelayError } from '../domain/errors.js';
import type { AttemptRecord } from '../domain/events.js';

const MARKER = Symbol.for('reelay.recovery-exhausted');

/** What the caller should do after same-provider recovery gave up. */
export type RecoveryNext = 'switch' | 'degrade' | 'fail';

/** Constructor input of {@link RecoveryExhaustedError}. */
export interface RecoveryExhaustedInit {
  provider: string;
  /** Every attempt, in order. */
  attempts: AttemptRecord[];
  /** The last attempt's classified error. */
  lastError: ReelayError;
  next: RecoveryNext;
}

const NEXT_TEXT: Record<RecoveryNext, string> = {
  switch: 'an alternative provider is needed',
  degrade: 'the stage can continue at reduced quality',
  fail: 'the stage cannot continue',
};

/**
 * Thrown by {@link ErrorRecoveryEngine.execute} when same-provider retries are exhausted or not
 * allowed. Keeps every attempt (an audit trail inside the error), the last error as `cause`, and
 * `next`: whether to switch provider, degrade, or fail. Category and `retryAfterMs` are the last
 * error's.
 */
export class RecoveryExhaustedError extends ReelayError {
  readonly [MARKER] = true;
  readonly attempts: readonly AttemptRecord[];
  readonly next: RecoveryNext;
  readonly lastError: ReelayError;

  constructor(init: RecoveryExhaustedInit) {
    const n = init.attempts.length;
    super(
      'REELAY_ERR_STAGE_FAILED',
      `${init.provider} failed after ${n} attempt${n === 1 ? '' : 's'}; ${NEXT_TEXT[init.next]}. Last error: ${init.lastError.message}`,
      {
        cause: init.lastError,
        category: init.lastError.category,
        retryable: false,
        provider: init.provider,
        stage: init.lastError.stage,
        correlationId: init.lastError.correlationId,
        retryAfterMs: init.lastError.retryAfterMs,
        details: { attempts: init.attempts, next: init.next },
      },
    );
    this.name = 'RecoveryExhaustedError';
    this.attempts = Object.freeze([...init.attempts]);
    this.next = init.next;
    this.lastError = init.lastError;
  }

  /** True for any RecoveryExhaustedError, even from another copy of this package. */
  static override isInstance(value: unknown): value is RecoveryExhaustedError {
    return typeof value === 'object' && value !== null && MARKER in value;
  }
}
