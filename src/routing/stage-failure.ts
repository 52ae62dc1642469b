import type { ErrorCategory } from '../domain/error-category.js';
import { ReelayError } from '../domain/errors.js';
import type { AlternativeOption, AttemptRecord, FailureDetails } from '../domain/events.js';
import type { FallbackPolicy } from '../domain/fallback.js';

/** Facts of a failed stage call. */
export interface StageFailureFacts {
  stage: string;
  provider: string;
  category: ErrorCategory | undefined;
  policy: FallbackPolicy;
  /** Every attempt on every provider, oldest first. */
  attempts: AttemptRecord[];
  /** Ranked providers that could still be tried. */
  alternatives: AlternativeOption[];
  /** Why the router stopped. */
  why: 'policy-off' | 'no-alternative' | 'switch-limit' | 'canceled-by-user';
  correlationId: string;
  cause: unknown;
  label?: string;
}

const WHY_TEXT: Record<StageFailureFacts['why'], string> = {
  'policy-off': 'the job’s fallback policy is "off", so Reelay did not switch providers',
  'no-alternative': 'no other healthy provider of this kind is available',
  'switch-limit': 'the limit of automatic switches for this stage was reached',
  'canceled-by-user': 'the user canceled the job',
};

/**
 * The final error of a failed stage: names the stage, the provider, the error category, every
 * attempt (an audit trail inside the error) and what to do next.
 */
export function stageFailedError(facts: StageFailureFacts): ReelayError {
  const last = facts.cause instanceof Error ? facts.cause.message : String(facts.cause);
  const what = facts.label ? `${facts.stage} (${facts.label})` : facts.stage;
  const alternatives =
    facts.alternatives.length > 0
      ? ` Alternatives, best first: ${facts.alternatives.map((a) => `${a.provider} (${Math.round(a.score)})`).join(', ')}.`
      : '';
  const advice =
    facts.why === 'policy-off' && facts.alternatives.length > 0
      ? ' Choose one of them for this stage, or run the job with fallback policy "auto" or "ask".'
      : facts.why === 'no-alternative'
        ? ' Configure another provider for this stage or fix the one that failed, then retry the job.'
        : '';
  const code = facts.why === 'canceled-by-user' ? 'REELAY_ERR_CANCELED' : 'REELAY_ERR_STAGE_FAILED';
  return new ReelayError(
    code,
    `Stage "${what}" failed on provider ${facts.provider}` +
      `${facts.category ? ` (${facts.category})` : ''} after ${facts.attempts.length} attempt(s): ${last}. ` +
      `Stopped because ${WHY_TEXT[facts.why]}.${alternatives}${advice}`,
    {
      cause: facts.cause,
      provider: facts.provider,
      stage: facts.stage,
      correlationId: facts.correlationId,
      ...(facts.category ? { category: facts.category } : {}),
      retryable: facts.why !== 'canceled-by-user',
      details: {
        attempts: facts.attempts,
        alternatives: facts.alternatives,
        policy: facts.policy,
        why: facts.why,
      },
    },
  );
}

/** Structured failure details of any error, for `error` events and job records. */
export function failureDetails(
  error: unknown,
  fallback: { stage?: string; correlationId?: string },
): FailureDetails {
  if (ReelayError.isInstance(error)) {
    const attempts = Array.isArray(error.details.attempts)
      ? (error.details.attempts as AttemptRecord[])
      : undefined;
    return {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      ...((error.stage ?? fallback.stage) ? { stage: error.stage ?? fallback.stage } : {}),
      ...(error.provider ? { provider: error.provider } : {}),
      ...(error.category ? { category: error.category } : {}),
      ...((error.correlationId ?? fallback.correlationId)
        ? { correlationId: error.correlationId ?? fallback.correlationId }
        : {}),
      ...(attempts ? { attempts } : {}),
    };
  }
  return {
    code: 'REELAY_ERR_INTERNAL',
    message: error instanceof Error ? error.message : String(error),
    retryable: false,
    ...(fallback.stage ? { stage: fallback.stage } : {}),
    ...(fallback.correlationId ? { correlationId: fallback.correlationId } : {}),
  };
}
