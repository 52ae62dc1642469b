import { type HedgingConfigInput, resolveHedgeSettings } from '../config/hedging-schema.js';
import type { CallContext, CallPolicy } from '../domain/call-context.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { Provider, Usage } from '../domain/provider.js';
import type { ProviderGateway } from '../patience/provider-gateway.js';
import { type HedgeOutcome, raceHedged } from '../resilience/hedge-race.js';
import { estimateCost, MINIMAL_USAGE } from './cost-model.js';
import type { CostTracker } from './cost-tracker.js';
import type { HedgeDecision, HedgePlanner } from './hedge-planner.js';
import type { ProviderDirectory } from './provider-catalog.js';
import type { RouterEpisode } from './router-episode.js';

/** Options of {@link HedgedTurns}. */
export interface HedgedTurnsOptions {
  /** The `hedging` config section (defaults, per stage, per model group). */
  config?: HedgingConfigInput;
  planner: HedgePlanner;
  /**
   * The pipeline a hedge on *another* provider runs through: budget → retry → breaker → measure,
   * without patience (the job's lock names the primary until the hedge wins).
   */
  alternativePipeline: CallPolicy;
  gateway: Pick<ProviderGateway, 'switchProvider'>;
  registry: ProviderDirectory;
  costs?: CostTracker;
  clock: Clock;
  logger: Logger;
}

/**
 * One provider turn of the router with hedging: asks the {@link HedgePlanner}, then runs the call
 * pipeline once, or twice in a race (`resilience/hedge-race.ts`). A win by an alternative under
 * `auto` is recorded as an `AUTO_HEDGE_WIN` fallback decision that moves the job's lock, and the
 * episode continues on the winner. The loser's estimated input spend is recorded (a provider may
 * bill a cancelled request).
 */
export class HedgedTurns {
  constructor(private readonly options: HedgedTurnsOptions) {}

  /** What the planner decides for the episode's current provider (exposed for events and tests). */
  decide<T, P extends Provider>(episode: RouterEpisode<T, P>): HedgeDecision {
    const { call, provider } = episode;
    const hedge = call.hedge;
    const settings = resolveHedgeSettings(this.options.config, {
      stage: call.stage,
      ...(hedge?.job ? { job: hedge.job } : {}),
      ...(hedge?.request ? { request: hedge.request } : {}),
    });
    return this.options.planner.plan({
      settings,
      policy: call.policy,
      jobId: call.jobId,
      stage: call.stage,
      provider: provider.id,
      ...(call.estimatedUsage ? { estimatedUsage: call.estimatedUsage } : {}),
      ...(hedge?.asyncJob ? { asyncJob: true } : {}),
      ...(hedge?.continuesOutput ? { continuesOutput: true } : {}),
    });
  }

  /** Runs the episode's provider through `pipeline`, hedged when the planner says so. */
  execute<T, P extends Provider>(
    episode: RouterEpisode<T, P>,
    ctx: CallContext,
    pipeline: CallPolicy,
  ): Promise<T> {
    const { call, provider: primary } = episode;
    const run = (c: CallContext): Promise<T> => pipeline.execute((cc) => call.call(primary, cc), c);
    const decision = this.decide(episode);
    if (decision.hedge) return this.race(episode, ctx, run, decision);
    if (decision.why !== 'not-enabled') {
      this.options.logger.debug({ tag: 'HEDGE_SKIPPED', jobId: call.jobId, why: decision.why });
    }
    return run(ctx);
  }

  private async race<T, P extends Provider>(
    episode: RouterEpisode<T, P>,
    ctx: CallContext,
    run: (c: CallContext) => Promise<T>,
    decision: Extract<HedgeDecision, { hedge: true }>,
  ): Promise<T> {
    const { call, provider: primary } = episode;
    const alternative =
      decision.to === primary.id ? undefined : (this.options.registry.get(decision.to, call.kind) as P);
    const hedge = alternative ? this.alternativeLeg(episode, alternative) : run;
    let outcome: HedgeOutcome | undefined;
    const value = await raceHedged(
      {
        primary: run,
        hedge,
        delayMs: decision.delayMs,
        // Spend may have moved since the plan: read the budget again when the hedge would start.
        mayHedge: () => this.options.planner.budgetRefusal(call, decision.to) === undefined,
        onSettled: (o) => {
          outcome = o;
        },
      },
      ctx,
    );
    if (outcome) this.afterRace(episode, outcome, alternative ?? primary);
    if (alternative && outcome?.winner === 'hedge') await this.recordWin(episode, alternative, outcome);
    return value;
  }

  private alternativeLeg<T, P extends Provider>(
    episode: RouterEpisode<T, P>,
    alternative: P,
  ): (c: CallContext) => Promise<T> {
    return (c) =>
      this.options.alternativePipeline.execute((cc) => episode.call.call(alternative, cc), {
        ...c,
        call: { ...c.call, provider: alternative.id },
        profile: {
          ...c.profile,
          providerType: alternative.profileType,
          heartbeatKind: alternative.capabilities.heartbeat,
        },
      });
  }

  /** Logs the race and records the loser's spend. */
  private afterRace<T, P extends Provider>(
    episode: RouterEpisode<T, P>,
    outcome: HedgeOutcome,
    hedgeProvider: P,
  ): void {
    const { call, provider: primary } = episode;
    if (!outcome.hedged) return;
    this.options.logger.info({
      tag: 'HEDGE_SETTLED',
      jobId: call.jobId,
      stage: call.stage,
      provider: primary.id,
      hedgeProvider: hedgeProvider.id,
      winner: outcome.winner ?? 'none',
      firstTokenMs: outcome.firstTokenAt === undefined ? undefined : outcome.firstTokenAt - outcome.startedAt,
    });
    if (outcome.loser === undefined) return;
    const loser = outcome.loser === 'primary' ? primary : hedgeProvider;
    const usd = estimateCost(loser.costModel, loserUsage(call.estimatedUsage));
    if (usd > 0) {
      this.options.costs?.record({
        jobId: call.jobId,
        provider: loser.id,
        usd,
        at: this.options.clock.now(),
      });
    }
  }

  private async recordWin<T, P extends Provider>(
    episode: RouterEpisode<T, P>,
    winner: P,
    outcome: HedgeOutcome,
  ): Promise<void> {
    const { call, provider: from } = episode;
    const hedgeAfterMs = (outcome.hedgeStartedAt ?? outcome.startedAt) - outcome.startedAt;
    const firstTokenMs = (outcome.firstTokenAt ?? outcome.startedAt) - outcome.startedAt;
    await this.options.gateway.switchProvider({
      jobId: call.jobId,
      fromProvider: from.id,
      toProvider: winner.id,
      toProviderType: winner.profileType,
      reason: 'AUTO_HEDGE_WIN',
      elapsedBeforeSwitchMs: Math.max(0, this.options.clock.now() - episode.since),
      correlationId: call.correlationId,
      stages: [call.stage],
      context:
        `${call.label ? `${call.label}: ` : ''}${from.id} showed no first token after ${hedgeAfterMs} ms; ` +
        `hedge on ${winner.id} answered first (${firstTokenMs} ms after the request)`,
    });
    episode.switches++;
    episode.provider = winner;
    episode.since = this.options.clock.now();
  }
}

/**
 * What a cancelled request is assumed to have been billed for: its input (prompt tokens,
 * characters, the request itself), none of the output it never produced.
 */
export function loserUsage(estimated: Usage | undefined): Usage {
  const usage = estimated ?? MINIMAL_USAGE;
  return { ...usage, outputTokens: 0 };
}
