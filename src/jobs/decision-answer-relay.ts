import type { Disposable } from '../domain/disposable.js';
import { type StoredEvent, TERMINAL_EVENT_TYPES } from '../domain/events.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';

/** Follows a job's events after an id (replay, then live): `LocalReelayService.subscribe`. */
export type FollowFn = (
  jobId: string,
  listener: (event: StoredEvent) => void,
  options: { afterId: number },
) => Disposable;

/** Options of {@link DecisionAnswerRelay}. */
export interface DecisionAnswerRelayOptions {
  /** The gateway holding this process's pending decisions. */
  gateway: Pick<ProviderGateway, 'on' | 'getPendingDecision' | 'answerDecision'>;
  /** Follows a job's events on the shared log. */
  follow: FollowFn;
  /** @default silentLogger */
  logger?: Logger;
}

interface Watch {
  decisionId: string;
  subscription: Disposable | undefined;
  /** True once the decision's own `decision-required` was read back from the log. */
  seen: boolean;
  stopped: boolean;
}

/**
 * Delivers answers given in other processes to the decisions this process holds (split
 * deployment: API processes and workers sharing PostgreSQL). For every `decision-required` its
 * gateway emits, it follows the job's shared event log until the decision is answered, withdrawn,
 * or the job ends; a `decision-answer-submitted` with the decision's id, while the decision is
 * still pending here, is applied with `gateway.answerDecision` (a refusal is logged).
 *
 * @example
 * const relay = new DecisionAnswerRelay({
 *   gateway: kit.gateway,
 *   follow: (jobId, listener, options) => service.subscribe(jobId, listener, options),
 * }).start();
 * // on shutdown
 * relay.dispose();
 */
export class DecisionAnswerRelay implements Disposable {
  private readonly watches = new Map<string, Watch>();
  private readonly listeners: Disposable[] = [];
  private readonly logger: Logger;
  private disposed = false;

  constructor(private readonly options: DecisionAnswerRelayOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Starts listening to the gateway's decisions. */
  start(): this {
    const { gateway } = this.options;
    this.listeners.push(
      gateway.on('decision-required', (event) => this.watch(event.jobId, event.decisionId)),
      gateway.on('decision-answered', (event) => {
        if (this.watches.get(event.jobId)?.decisionId === event.decisionId) this.stop(event.jobId);
      }),
    );
    return this;
  }

  /** Number of decisions being followed. */
  get watching(): number {
    return this.watches.size;
  }

  /** Stops listening and ends every subscription. */
  dispose(): void {
    this.disposed = true;
    for (const listener of this.listeners.splice(0)) listener.dispose();
    for (const jobId of [...this.watches.keys()]) this.stop(jobId);
  }

  private watch(jobId: string, decisionId: string): void {
    if (this.disposed) return;
    const existing = this.watches.get(jobId);
    if (existing?.decisionId === decisionId) return; // a joined request: same decision
    if (existing) this.stop(jobId);
    const watch: Watch = { decisionId, subscription: undefined, seen: false, stopped: false };
    this.watches.set(jobId, watch);
    // From the start of the log: an answer appended before the first poll is not missed.
    const subscription = this.options.follow(jobId, (event) => this.onEvent(jobId, watch, event), {
      afterId: 0,
    });
    if (watch.stopped) subscription.dispose();
    else watch.subscription = subscription;
  }

  private onEvent(jobId: string, watch: Watch, event: StoredEvent): void {
    if (watch.stopped) return;
    const { gateway } = this.options;
    if (!watch.seen) {
      // Events before the decision (replayed history) say nothing about it.
      watch.seen = event.type === 'decision-required' && event.decisionId === watch.decisionId;
      if (gateway.getPendingDecision(jobId)?.decisionId !== watch.decisionId) this.stopWatch(jobId, watch);
      return;
    }
    if (event.type === 'decision-answer-submitted' && event.decisionId === watch.decisionId) {
      if (gateway.getPendingDecision(jobId)?.decisionId === watch.decisionId) {
        try {
          gateway.answerDecision(jobId, {
            option: event.option,
            ...(event.provider === undefined ? {} : { provider: event.provider }),
            decisionId: watch.decisionId,
          });
        } catch (error) {
          this.logger.warn(
            { tag: 'DECISION_RELAY_REFUSED', jobId, decisionId: watch.decisionId, err: error },
            `An answer from another process to decision ${watch.decisionId} was refused`,
          );
        }
      }
    }
    const ended =
      (event.type === 'decision-answered' && event.decisionId === watch.decisionId) ||
      TERMINAL_EVENT_TYPES.has(event.type) ||
      gateway.getPendingDecision(jobId)?.decisionId !== watch.decisionId;
    if (ended) this.stopWatch(jobId, watch);
  }

  private stop(jobId: string): void {
    const watch = this.watches.get(jobId);
    if (watch) this.stopWatch(jobId, watch);
  }

  private stopWatch(jobId: string, watch: Watch): void {
    watch.stopped = true;
    watch.subscription?.dispose();
    if (this.watches.get(jobId) === watch) this.watches.delete(jobId);
  }
}
