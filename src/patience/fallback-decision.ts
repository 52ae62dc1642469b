import { type Clock, systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { FallbackDecision, FallbackReason } from '../domain/fallback.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';

/** Inputs shared by every {@link FallbackDecisionFactory} method. */
export interface FallbackDecisionInput {
  jobId: string;
  fromProvider: string;
  toProvider: string;
  /** Ms the job waited on `fromProvider` before the switch (≥ 0). */
  elapsedBeforeSwitchMs: number;
  correlationId: string;
  /** Stages the switch applies to. @default [] (all) */
  stages?: readonly string[];
  /** What happened and why; a sensible text is written when omitted. */
  context?: string;
  /** Error category that triggered the switch, when an error did. */
  errorCategory?: string;
}

/** The automatic reason codes. */
export type AutomaticReason = Extract<FallbackReason, `AUTO_${string}`>;

/** Options of {@link FallbackDecisionFactory}. */
export interface FallbackDecisionFactoryOptions {
  /** Source of decision timestamps. @default systemClock */
  clock?: Clock;
  /** Source of decision ids (prefix `decision`). @default randomIds */
  ids?: IdGenerator;
}

const AUTOMATIC: readonly string[] = [
  'AUTO_AFTER_ERROR',
  'AUTO_AFTER_STALL',
  'AUTO_CIRCUIT_OPEN',
  'AUTO_HEDGE_WIN',
];

/**
 * Creates {@link FallbackDecision} records — the audit trail's unit — with an id, a timestamp and
 * validated inputs. The only way decisions should be made.
 *
 * @example
 * const decisions = new FallbackDecisionFactory();
 * const d = decisions.createUserRequested({ jobId: 'job-1', fromProvider: 'Ollama',
 *   toProvider: 'OpenAI', elapsedBeforeSwitchMs: 95_000, correlationId: 'c1' });
 */
export class FallbackDecisionFactory {
  private readonly clock: Clock;
  private readonly ids: IdGenerator;

  constructor(options: FallbackDecisionFactoryOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
  }

  /** A person asked to switch (no stall or error involved). userConfirmed = true. */
  createUserRequested(input: FallbackDecisionInput): FallbackDecision {
    return this.make(
      'USER_REQUEST',
      true,
      input,
      `User switched from ${input.fromProvider} to ${input.toProvider}`,
    );
  }

  /** A person chose an alternative after a stall was reported. userConfirmed = true. */
  createUserAfterStall(input: FallbackDecisionInput): FallbackDecision {
    return this.make(
      'USER_AFTER_STALL',
      true,
      input,
      `${input.fromProvider} stalled after ${input.elapsedBeforeSwitchMs} ms; user chose ${input.toProvider}`,
    );
  }

  /** A person confirmed a switch after a fatal provider error. userConfirmed = true. */
  createProviderFatalError(input: FallbackDecisionInput): FallbackDecision {
    return this.make(
      'PROVIDER_FATAL_ERROR',
      true,
      input,
      `${input.fromProvider} failed${input.errorCategory ? ` (${input.errorCategory})` : ''}; ` +
        `user confirmed switching to ${input.toProvider}`,
    );
  }

  /** The `auto` policy switched on its own. userConfirmed = false. */
  createAutomatic(reason: AutomaticReason, input: FallbackDecisionInput): FallbackDecision {
    if (!AUTOMATIC.includes(reason)) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `createAutomatic needs one of ${AUTOMATIC.join(', ')}, got "${String(reason)}"`,
      );
    }
    return this.make(
      reason,
      false,
      input,
      `Automatic switch from ${input.fromProvider} to ${input.toProvider} (${reason})`,
    );
  }

  /**
   * Quality was reduced to finish the job (e.g. captions-only narration). The target may be the same
   * provider in a reduced mode. userConfirmed defaults to false.
   */
  createDegraded(input: FallbackDecisionInput & { userConfirmed?: boolean }): FallbackDecision {
    return this.make(
      'DEGRADED',
      input.userConfirmed ?? false,
      input,
      `Degraded from ${input.fromProvider} to ${input.toProvider} to finish the job`,
    );
  }

  private make(
    reason: FallbackReason,
    userConfirmed: boolean,
    input: FallbackDecisionInput,
    defaultContext: string,
  ): FallbackDecision {
    for (const field of ['jobId', 'fromProvider', 'toProvider', 'correlationId'] as const) {
      const value = input[field];
      if (typeof value !== 'string' || value.trim() === '') {
        throw new ReelayError('REELAY_ERR_VALIDATION', `A fallback decision needs a non-empty ${field}`);
      }
    }
    const elapsed = input.elapsedBeforeSwitchMs;
    if (typeof elapsed !== 'number' || !Number.isFinite(elapsed) || elapsed < 0) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `A fallback decision needs elapsedBeforeSwitchMs ≥ 0, got ${String(elapsed)}`,
      );
    }
    if (reason !== 'DEGRADED' && input.fromProvider.toLowerCase() === input.toProvider.toLowerCase()) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `A fallback decision must switch to a different provider (both are ${input.fromProvider})`,
      );
    }
    const decision: FallbackDecision = {
      id: this.ids('decision'),
      jobId: input.jobId,
      fromProvider: input.fromProvider,
      toProvider: input.toProvider,
      reason,
      elapsedBeforeSwitchMs: elapsed,
      userConfirmed,
      stages: Object.freeze([...(input.stages ?? [])]),
      correlationId: input.correlationId,
      timestamp: new Date(this.clock.now()).toISOString(),
      context: input.context ?? defaultContext,
      ...(input.errorCategory === undefined ? {} : { errorCategory: input.errorCategory }),
    };
    return Object.freeze(decision);
  }
}
