import { type Clock, systemClock, type TimerHandle } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { STALL_OPTIONS, type StallOption } from '../domain/fallback.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { PendingDecisionStore } from '../state/router-state.js';
import type {
  CarriedDecision,
  DecisionAnswer,
  DecisionAnswerInput,
  DecisionEvent,
  DecisionHandle,
  DecisionRequest,
  PendingDecision,
} from './decision-types.js';

export type {
  CarriedDecision,
  DecisionAnswer,
  DecisionAnswerInput,
  DecisionEvent,
  DecisionHandle,
  DecisionRequest,
  PendingDecision,
} from './decision-types.js';

/** Options of {@link DecisionBroker}. */
export interface DecisionBrokerOptions {
  emit: (event: DecisionEvent) => void;
  /** @default systemClock */
  clock?: Clock;
  /** @default randomIds */
  ids?: IdGenerator;
  /** @default silentLogger */
  logger?: Logger;
  /** Ms to wait for an answer before `timeoutOption` applies. @default undefined (wait forever) */
  timeoutMs?: number;
  /** The option chosen when the answer timeout ends. @default 'cancel_job' */
  timeoutOption?: Exclude<StallOption, 'try_alternative'>;
  /** Where pending decisions are also kept (durable: other processes and restarts see them). */
  store?: PendingDecisionStore;
  /**
   * Keep the Node.js process alive while a decision waits for its answer (a script awaiting a
   * stalled call under `ask` must not exit under the person who is about to answer).
   * @default true
   */
  keepProcessAlive?: boolean;
}

/** Longest interval Node accepts; the hold never fires, it only keeps the event loop open. */
const HOLD_INTERVAL_MS = 2 ** 31 - 1;
interface Slot {
  pending: PendingDecision;
  resolve: (answer: DecisionAnswer) => void;
  reject: (error: unknown) => void;
  handle: DecisionHandle;
  timer: TimerHandle | undefined;
}

/**
 * Pending decisions, one per job: emits `decision-required`, waits for `answer`, emits
 * `decision-answered`. Acts on nothing itself; the gateway (or the caller) applies the answer.
 */
export class DecisionBroker {
  private readonly slots = new Map<string, Slot>();
  private readonly carried = new Map<string, CarriedDecision>();
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger;
  /** A referenced no-op interval held while any decision is pending (see `keepProcessAlive`). */
  private hold: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: DecisionBrokerOptions) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? randomIds;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Opens a decision and emits `decision-required`. A second request for the same job and
   * provider while one is pending joins it (same id, same answer).
   * @throws ReelayError `REELAY_ERR_CONFLICT` when the job waits on a decision about another provider.
   */
  request(req: DecisionRequest): DecisionHandle {
    const existing = this.slots.get(req.jobId);
    if (existing) {
      if (existing.pending.provider.toLowerCase() === req.provider.toLowerCase()) return existing.handle;
      throw new ReelayError(
        'REELAY_ERR_CONFLICT',
        `Job ${req.jobId} already waits on a decision about ${existing.pending.provider}; answer it first`,
        { stage: req.stage, provider: req.provider },
      );
    }
    const carried = this.takeCarried(req);
    const decisionId = carried?.decisionId ?? this.ids('decision');
    const timestamp = new Date(this.clock.now()).toISOString();
    const pending: PendingDecision = {
      ...req,
      decisionId,
      options: [...STALL_OPTIONS],
      requestedAt: timestamp,
    };
    let resolve!: (answer: DecisionAnswer) => void;
    let reject!: (error: unknown) => void;
    const answer = new Promise<DecisionAnswer>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    answer.catch(() => {}); // a withdrawn decision nobody awaits must not be an unhandled rejection
    const slot: Slot = { pending, resolve, reject, handle: { decisionId, answer }, timer: undefined };
    this.slots.set(req.jobId, slot);
    this.updateHold();
    if (carried?.answer) {
      // Answered while no worker held it: apply the answer, do not ask again.
      this.settle(slot, { ...carried.answer, decisionId }, 'user');
      return slot.handle;
    }
    this.options.store
      ?.put({ jobId: req.jobId, decisionId, requestedAt: timestamp, data: { ...pending } })
      .catch((err: unknown) => this.logger.warn({ tag: 'DECISION_STORE_WRITE_FAILED', decisionId, err }));
    const { timeoutMs } = this.options;
    if (timeoutMs !== undefined) {
      slot.timer = this.clock.setTimeout(() => {
        slot.timer = undefined;
        this.settle(slot, { option: this.options.timeoutOption ?? 'cancel_job' }, 'timeout');
      }, timeoutMs);
    }
    this.logger.info(
      { tag: 'DECISION_REQUIRED', jobId: req.jobId, decisionId, provider: req.provider, stage: req.stage },
      `Decision required: ${req.provider} ${req.trigger === 'stall' ? 'stalled' : 'failed'} on ${req.stage}`,
    );
    this.options.emit({
      type: 'decision-required',
      jobId: req.jobId,
      timestamp,
      ...(req.correlationId === undefined ? {} : { correlationId: req.correlationId }),
      decisionId,
      provider: req.provider,
      stage: req.stage,
      trigger: req.trigger,
      ...(req.error === undefined ? {} : { error: req.error }),
      options: [...STALL_OPTIONS],
      alternatives: req.alternatives,
    });
    return slot.handle;
  }

  /**
   * Answers the job's pending decision.
   * @throws ReelayError `REELAY_ERR_CONFLICT` when nothing (or another decision) is pending;
   * `REELAY_ERR_VALIDATION` for an unknown option or try_alternative without a provider.
   */
  answer(jobId: string, input: DecisionAnswerInput): DecisionAnswer {
    const slot = this.slots.get(jobId);
    if (!slot) {
      throw new ReelayError('REELAY_ERR_CONFLICT', `Job ${jobId} has no pending decision to answer`);
    }
    if (input.decisionId !== undefined && input.decisionId !== slot.pending.decisionId) {
      throw new ReelayError(
        'REELAY_ERR_CONFLICT',
        `Decision ${input.decisionId} is not pending for job ${jobId} (pending: ${slot.pending.decisionId})`,
      );
    }
    if (!(STALL_OPTIONS as readonly string[]).includes(input.option)) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Unknown decision option "${String(input.option)}"; expected one of ${STALL_OPTIONS.join(', ')}`,
      );
    }
    if (input.option === 'try_alternative' && !input.provider?.trim()) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        'try_alternative needs the provider to switch to (answer.provider)',
      );
    }
    return this.settle(slot, input, 'user');
  }

  /**
   * Carries over a decision an earlier attempt of the job asked and could not settle (its worker
   * died). When this attempt needs a decision on the same stage and provider, it gets that one:
   * answered at once with `prior.answer` when one was recorded (no `decision-required` again),
   * else asked under the same decision id (an answer already on its way still fits).
   */
  carryOver(jobId: string, prior: CarriedDecision): void {
    this.carried.set(jobId, prior);
  }

  private takeCarried(req: DecisionRequest): CarriedDecision | undefined {
    const prior = this.carried.get(req.jobId);
    if (!prior || prior.stage !== req.stage || prior.provider.toLowerCase() !== req.provider.toLowerCase())
      return undefined;
    this.carried.delete(req.jobId);
    return prior;
  }

  /** The job's pending decision, if any. */
  getPending(jobId: string): PendingDecision | undefined {
    return this.slots.get(jobId)?.pending;
  }

  /** Withdraws pending decisions about a call that ended; their answers reject. */
  withdrawForOperation(operationId: string, reason: string): void {
    if (this.slots.size === 0) return; // every provider call ends here: no copy when nothing is pending
    for (const slot of [...this.slots.values()]) {
      if (slot.pending.operationId === operationId) this.withdraw(slot, reason);
    }
  }

  /** Withdraws the job's pending decision, if any. */
  withdrawForJob(jobId: string, reason: string): void {
    this.carried.delete(jobId);
    const slot = this.slots.get(jobId);
    if (slot) this.withdraw(slot, reason);
  }

  /** Number of pending decisions. */
  get size(): number {
    return this.slots.size;
  }

  private withdraw(slot: Slot, reason: string): void {
    this.release(slot);
    this.logger.info(
      { tag: 'DECISION_WITHDRAWN', jobId: slot.pending.jobId, decisionId: slot.pending.decisionId, reason },
      'Decision withdrawn',
    );
    slot.reject(
      new ReelayError('REELAY_ERR_CONFLICT', `Decision ${slot.pending.decisionId} was withdrawn: ${reason}`, {
        details: { withdrawn: true, decisionId: slot.pending.decisionId },
      }),
    );
  }

  private settle(slot: Slot, input: DecisionAnswerInput, source: DecisionAnswer['source']): DecisionAnswer {
    this.release(slot);
    const { pending } = slot;
    const answeredAt = new Date(this.clock.now()).toISOString();
    const provider = input.provider?.trim();
    const answer: DecisionAnswer = {
      decisionId: pending.decisionId,
      jobId: pending.jobId,
      option: input.option,
      ...(provider ? { provider } : {}),
      source,
      answeredAt,
    };
    this.logger.info(
      {
        tag: 'DECISION_ANSWERED',
        jobId: pending.jobId,
        decisionId: pending.decisionId,
        option: input.option,
        source,
      },
      `Decision answered: ${input.option}`,
    );
    this.options.emit({
      type: 'decision-answered',
      jobId: pending.jobId,
      timestamp: answeredAt,
      ...(pending.correlationId === undefined ? {} : { correlationId: pending.correlationId }),
      decisionId: pending.decisionId,
      option: input.option,
      ...(provider ? { provider } : {}),
    });
    slot.resolve(answer);
    return answer;
  }

  private release(slot: Slot): void {
    if (slot.timer !== undefined) this.clock.clearTimeout(slot.timer);
    slot.timer = undefined;
    if (this.slots.get(slot.pending.jobId) === slot) this.slots.delete(slot.pending.jobId);
    this.updateHold();
    const { jobId, decisionId } = slot.pending;
    this.options.store
      ?.remove(jobId, decisionId)
      .catch((err: unknown) => this.logger.warn({ tag: 'DECISION_STORE_WRITE_FAILED', decisionId, err }));
  }

  /** Holds the event loop open exactly while decisions are pending. */
  private updateHold(): void {
    if (this.options.keepProcessAlive === false) return;
    if (this.slots.size > 0 && this.hold === undefined) {
      this.hold = globalThis.setInterval(() => {}, HOLD_INTERVAL_MS);
    } else if (this.slots.size === 0 && this.hold !== undefined) {
      globalThis.clearInterval(this.hold);
      this.hold = undefined;
    }
  }
}
