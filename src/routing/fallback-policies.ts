import type { CallIdentity } from '../domain/call-context.js';
import type { ErrorCategory } from '../domain/error-category.js';
import type { AlternativeOption, AttemptRecord } from '../domain/events.js';
import type { FallbackPolicy, FallbackReason } from '../domain/fallback.js';
import type { DecisionAnswer } from '../patience/decision-broker.js';
import {
  askStallHandler,
  offStallHandler,
  type StallContext,
  type StallDecision,
} from '../patience/stall-handlers.js';
import type { RecoveryNext } from '../resilience/recovery-exhausted-error.js';
import type { ProviderCatalog } from './provider-catalog.js';
import { degradationOption } from './router-support.js';

/** A provider that is done for on a stage call (retries exhausted, breaker open, over budget, …). */
export interface CallFailure {
  readonly call: CallIdentity;
  readonly error: unknown;
  readonly category: ErrorCategory | undefined;
  /** What same-provider recovery said comes next (`switch` when refused before any attempt). */
  readonly next: RecoveryNext;
  /** True when the provider's circuit breaker refused the call. */
  readonly circuitOpen: boolean;
  /** Ranked alternatives, without providers already tried and without degradations. */
  readonly alternatives: readonly AlternativeOption[];
  /** Degradations not used yet, in order (cheaper, lower quality, always available). */
  readonly degradations: readonly string[];
  /** Switches made so far in this stage call, and the most allowed automatically. */
  readonly switches: number;
  readonly maxSwitches: number;
  readonly attempts: readonly AttemptRecord[];
  /** Asks a person (`decision-required`, trigger `error`) offering `options`; resolves with the answer. */
  askPerson(options: readonly AlternativeOption[]): Promise<DecisionAnswer>;
}

/** Why a stage call ends without a result. */
export type StopReason = 'policy-off' | 'no-alternative' | 'switch-limit' | 'canceled-by-user';

/** The one answer to "this provider failed: what now?". */
export type FailureDecision =
  /** Record a switch to `to` (a fallback decision) and try it; `degrade` marks a degradation used. */
  | {
      action: 'switch';
      to: string;
      reason: FallbackReason;
      context: string;
      userConfirmed: boolean;
      degrade?: boolean;
    }
  /** Try the same provider again (a person asked to keep waiting on it). */
  | { action: 'retry' }
  /** End the stage call with a clear error. */
  | { action: 'stop'; why: StopReason };

/**
 * A job's fallback policy as one object: what to do when a provider fails ({@link onFailure})
 * and when a running call stalls ({@link onStall}). Policies decide; the router and the gateway
 * act on the decision and record it. Neither method throws for a normal outcome.
 */
export interface FallbackPolicyHandler {
  readonly name: FallbackPolicy | 'degrade';
  onFailure(failure: CallFailure): FailureDecision | Promise<FailureDecision>;
  onStall(stall: StallContext): StallDecision | undefined | Promise<StallDecision | undefined>;
}

/** `off`: no switch ever; a failure ends the stage, a stall stops the call (REELAY_ERR_STALLED). */
export const offPolicy: FallbackPolicyHandler = {
  name: 'off',
  onFailure: () => ({ action: 'stop', why: 'policy-off' }),
  onStall: (stall) => offStallHandler.onStall(stall),
};

/** `ask`: nothing switches until a person answers `decision-required`. */
export const askPolicy: FallbackPolicyHandler = {
  name: 'ask',
  async onFailure(failure) {
    const offered = [...failure.alternatives, ...failure.degradations.map((id) => degradationOption(id))];
    const answer = await failure.askPerson(offered);
    if (answer.option === 'cancel_job') return { action: 'stop', why: 'canceled-by-user' };
    if (answer.option === 'try_alternative' && answer.provider) {
      const degraded = failure.degradations.includes(answer.provider);
      return {
        action: 'switch',
        to: answer.provider,
        reason: degraded ? 'DEGRADED' : 'PROVIDER_FATAL_ERROR',
        context: `after ${failure.category ?? 'an error'}: user chose ${answer.provider}`,
        userConfirmed: true,
      };
    }
    // continue_30s / continue_5m after an error: the person wants the same provider tried again.
    return { action: 'retry' };
  },
  onStall: (stall) => askStallHandler.onStall(stall),
};

/** Degradation: the next declared cheaper provider, recorded as `DEGRADED`; stalls are waited out. */
export const degradePolicy: FallbackPolicyHandler = {
  name: 'degrade',
  onFailure(failure) {
    const to = failure.degradations[0];
    if (to === undefined) return { action: 'stop', why: 'no-alternative' };
    return {
      action: 'switch',
      to,
      reason: 'DEGRADED',
      context: 'quality reduced to finish',
      userConfirmed: false,
      degrade: true,
    };
  },
  onStall: () => ({ action: 'wait' }),
};

/** Options of {@link createAutoPolicy}. */
export interface AutoPolicyOptions {
  /** Names the provider switched to in decisions (display name) and gives its profile type. */
  catalog: ProviderCatalog;
  /** Providers never chosen automatically on a stall (degradations such as captions-only). */
  neverAutoSelect?: readonly string[];
}

/**
 * `auto`: after a failure, the best-scored healthy alternative (`AUTO_AFTER_ERROR`, or
 * `AUTO_CIRCUIT_OPEN` when the breaker refused), a degradation when recovery says so or nothing
 * else is left, up to `maxSwitches`; after a stall, the best alternative (`AUTO_AFTER_STALL`), or
 * keep waiting when there is none: patience beats failing.
 */
export function createAutoPolicy(options: AutoPolicyOptions): FallbackPolicyHandler {
  const never = new Set(options.neverAutoSelect ?? []);
  const degradeNamed = (failure: CallFailure): FailureDecision => {
    const decision = degradePolicy.onFailure(failure) as FailureDecision;
    if (decision.action !== 'switch') return decision;
    const name = options.catalog.find(decision.to)?.displayName ?? decision.to;
    return { ...decision, context: `quality reduced to finish: ${name}` };
  };
  return {
    name: 'auto',
    onFailure(failure) {
      if (failure.next === 'degrade' && failure.degradations.length > 0) return degradeNamed(failure);
      if (failure.switches >= failure.maxSwitches) return { action: 'stop', why: 'switch-limit' };
      const best = failure.alternatives[0];
      if (best) {
        return {
          action: 'switch',
          to: best.provider,
          reason: failure.circuitOpen ? 'AUTO_CIRCUIT_OPEN' : 'AUTO_AFTER_ERROR',
          context: `score ${Math.round(best.score)}: ${best.reasons[0] ?? ''}`,
          userConfirmed: false,
        };
      }
      if (failure.degradations.length > 0) return degradeNamed(failure);
      return { action: 'stop', why: 'no-alternative' };
    },
    async onStall(stall) {
      const best = (await stall.alternatives()).find((a) => !never.has(a.provider));
      if (!best) {
        stall.logger.warn(
          {
            tag: 'AUTO_STALL_NO_ALTERNATIVE',
            jobId: stall.jobId,
            provider: stall.provider,
            stage: stall.stage,
          },
          `${stall.provider} stalled on ${stall.stage} and no alternative is available; waiting`,
        );
        return { action: 'wait' };
      }
      const to = options.catalog.find(best.provider);
      return {
        action: 'switch',
        to: best.provider,
        automatic: {
          context: `no progress for ${Math.round(stall.sinceProgressMs / 1000)} s; ${best.provider} scored ${Math.round(best.score)}/100`,
          ...(to ? { toProviderType: to.profileType } : {}),
        },
      };
    },
  };
}

/** The policy objects by name, as the router looks them up. */
export type FallbackPolicies = Readonly<Record<FallbackPolicy, FallbackPolicyHandler>>;

/** The shipped policies: `ask`, `auto` (over `catalog`) and `off`. */
export function createFallbackPolicies(options: AutoPolicyOptions): FallbackPolicies {
  return { ask: askPolicy, auto: createAutoPolicy(options), off: offPolicy };
}
