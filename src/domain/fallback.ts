/**
 * How a job (or a proxied chat session) reacts to a stall or a fatal provider error:
 * `ask` pauses and emits `decision-required`; `auto` switches to the best healthy alternative;
 * `off` fails the stage with a clear error. Same-provider retries happen under every policy.
 */
export const FALLBACK_POLICIES = ['ask', 'auto', 'off'] as const;

/** One of {@link FALLBACK_POLICIES}. */
export type FallbackPolicy = (typeof FALLBACK_POLICIES)[number];

/** Why a provider switch (or a degradation) happened. Every switch records one. */
export const FALLBACK_REASONS = [
  'USER_REQUEST',
  'USER_AFTER_STALL',
  'PROVIDER_FATAL_ERROR',
  'AUTO_AFTER_ERROR',
  'AUTO_AFTER_STALL',
  'AUTO_CIRCUIT_OPEN',
  'AUTO_HEDGE_WIN',
  'DEGRADED',
] as const;

/** One of {@link FALLBACK_REASONS}. */
export type FallbackReason = (typeof FALLBACK_REASONS)[number];

/** Options offered when a stall or fatal error needs a decision. */
export const STALL_OPTIONS = ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'] as const;

/** One of {@link STALL_OPTIONS}. */
export type StallOption = (typeof STALL_OPTIONS)[number];

/**
 * One recorded switch between providers: the audit trail's unit. Created through the factories
 * in `patience/fallback-decision.ts`, never by hand.
 */
export interface FallbackDecision {
  /** Unique id of the decision. */
  readonly id: string;
  readonly jobId: string;
  readonly fromProvider: string;
  readonly toProvider: string;
  readonly reason: FallbackReason;
  /** Milliseconds the job waited on `fromProvider` before the switch. */
  readonly elapsedBeforeSwitchMs: number;
  /** True when a person confirmed the switch. */
  readonly userConfirmed: boolean;
  /** Stages the switch applies to (empty = all). */
  readonly stages: readonly string[];
  readonly correlationId: string;
  /** ISO-8601 time of the decision. */
  readonly timestamp: string;
  /** Human-readable context: what happened and why. */
  readonly context: string;
  /** Error category that triggered the switch, when an error did. */
  readonly errorCategory?: string;
}
