import type { AlternativeOption, FailureDetails, ReelayEventOf } from '../domain/events.js';
import type { StallOption } from '../domain/fallback.js';

/** A request for a person's decision on a stall or a fatal error. */
export interface DecisionRequest {
  jobId: string;
  stage: string;
  /** The provider that stalled or failed. */
  provider: string;
  trigger: 'stall' | 'error';
  /** The failure, for trigger `error`. */
  error?: FailureDetails;
  /** Ranked alternatives to offer (may be empty). */
  alternatives: AlternativeOption[];
  correlationId?: string;
  /** The running call the decision is about, when there is one (withdrawn when it ends). */
  operationId?: string;
}

/** An answer given to `DecisionBroker.answer`. */
export interface DecisionAnswerInput {
  option: StallOption;
  /** Required for `try_alternative`: the provider to use next. */
  provider?: string;
  /** When given, must match the pending decision. */
  decisionId?: string;
}

/**
 * The answer a decision resolved with. For trigger `error`, continue_30s / continue_5m mean
 * "retry the same provider".
 */
export interface DecisionAnswer {
  decisionId: string;
  jobId: string;
  option: StallOption;
  provider?: string;
  /** `user` when answered, `timeout` when the answer timeout chose `timeoutOption`. */
  source: 'user' | 'timeout';
  answeredAt: string;
}

/** A decision waiting for its answer. */
export interface PendingDecision extends Omit<DecisionRequest, 'error'> {
  decisionId: string;
  options: StallOption[];
  requestedAt: string;
  error?: FailureDetails;
}

/** What `DecisionBroker.request` returns. */
export interface DecisionHandle {
  decisionId: string;
  /** Resolves with the answer; rejects (REELAY_ERR_CONFLICT, details.withdrawn) when withdrawn. */
  answer: Promise<DecisionAnswer>;
}

/** Events the broker emits. */
export type DecisionEvent = ReelayEventOf<'decision-required'> | ReelayEventOf<'decision-answered'>;

/**
 * A decision an earlier attempt of the job asked (its worker died while it was pending), with
 * the answer given to it meanwhile, if any.
 */
export interface CarriedDecision {
  decisionId: string;
  stage: string;
  provider: string;
  /** The answer recorded for it while no worker held it. */
  answer?: DecisionAnswerInput;
}
