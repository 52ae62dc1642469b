import type { HedgeSettingsInput } from '../../config/hedging-schema.js';
import {
  type HedgingConfigInput,
  type ResolvedHedgeSettings,
  resolveHedgeSettings,
} from '../../config/hedging-schema.js';
import { createCallContext } from '../../domain/call-context.js';
import { type HedgeOutcome, raceHedged } from '../../resilience/hedge-race.js';
import { sessionMovesToWinner } from '../../routing/hedge-sticky.js';
import { clamp } from '../../routing/stats.js';
import { type AttemptResult, attemptDeployment, type ExchangeContext } from './attempt-runner.js';
import type { Deployment } from './deployment-catalog.js';
import { type Acquired, type AcquireOptions, acquireDeployment, type Refusal } from './failover-loop.js';
import { FirstTokenSamples } from './first-token-samples.js';
import type { OpenAiProxy } from './openai-proxy.js';

/** Hedging of one chat request: the config section, the request's header, the session's pin. */
export interface ChatHedge {
  config: HedgingConfigInput | undefined;
  /** From `x-reelay-hedge`. */
  request: HedgeSettingsInput | undefined;
  /** The deployment the request's sticky session is pinned to, when it has one. */
  locked: Deployment | undefined;
}

/** An acquired deployment, and where the session's pin should point afterwards. */
export type HedgedAcquired = Acquired & { pin: Deployment };

// First-token samples per proxy instance (kept beside the proxy, not inside it).
const samplesOf = new WeakMap<OpenAiProxy, FirstTokenSamples>();

function samples(proxy: OpenAiProxy): FirstTokenSamples {
  let s = samplesOf.get(proxy);
  if (!s) {
    s = new FirstTokenSamples();
    samplesOf.set(proxy, s);
  }
  return s;
}

/** A leg that did not acquire: carries its refusal through the race. */
class LegRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super('refused');
  }
}

/**
 * {@link acquireDeployment} with hedging (docs/hedging.md): under `auto`, for a fresh answer, when
 * hedging is enabled for the group or the request, the chain's first deployment gets `delayMs`
 * to produce its first content; then the same request goes to the same deployment (`same`) or to
 * the next in the chain (`alternative`) unless its budget is spent or its breaker is open. The
 * first to produce content wins; the other's connection is closed at once. A win by another
 * deployment is an `AUTO_HEDGE_WIN` decision; a sticky session moves to it only under the rule
 * of `routing/hedge-sticky.ts`.
 */
export function acquireHedged(
  ctx: ExchangeContext,
  options: AcquireOptions,
  hedge: ChatHedge,
): Promise<HedgedAcquired | Refusal> {
  // Hedging configured nowhere (the common case): no settings to merge per request, and no
  // async frame of its own (its promise would add microtask turns to every request).
  if (hedge.config === undefined && hedge.request === undefined) return acquirePlain(ctx, options);
  return acquireRacing(ctx, options, hedge);
}

async function acquireRacing(
  ctx: ExchangeContext,
  options: AcquireOptions,
  hedge: ChatHedge,
): Promise<HedgedAcquired | Refusal> {
  const { proxy } = ctx;
  const settings = resolveHedgeSettings(hedge.config, { modelGroup: ctx.group, request: hedge.request });
  const first = options.chain[0];
  const target = settings.hedgeTo === 'same' ? first : options.chain[1];
  if (!settings.enabled || options.policy !== 'auto' || options.prefill !== undefined || !first || !target)
    return acquirePlain(ctx, options);
  const delayMs = delayOf(settings, samples(proxy).p95(first.id, settings.minSamples));
  const primaryCtx: ExchangeContext = { ...ctx };
  const hedgeCtx: ExchangeContext = { ...ctx, attempts: 0 };
  let outcome: HedgeOutcome | undefined;
  const call = createCallContext(
    { jobId: ctx.auditKey, stage: 'chat', provider: first.id, correlationId: ctx.correlationId },
    { signal: ctx.signal, clock: proxy.clock },
  );
  try {
    const got = await raceHedged<Acquired>(
      {
        primary: async (c) => {
          const r = await acquireDeployment({ ...primaryCtx, signal: c.signal }, options);
          if (!r.ok) throw new LegRefused(r);
          if (c.signal.aborted) closeLoser(r.result);
          return r;
        },
        hedge: (c) => hedgeLeg({ ...hedgeCtx, signal: c.signal }, target, c.signal),
        delayMs,
        mayHedge: () => proxy.withinBudget(target, ctx.auditKey),
        onSettled: (o) => {
          outcome = o;
        },
      },
      call,
    );
    ctx.attempts = primaryCtx.attempts + hedgeCtx.attempts;
    return await settle(ctx, got, outcome, { first, target, delayMs, settings, locked: hedge.locked });
  } catch (error) {
    ctx.attempts = primaryCtx.attempts + hedgeCtx.attempts;
    if (error instanceof LegRefused) return error.refusal;
    throw error;
  }
}

/** Without a hedge: the failover loop alone, its first-token time sampled. */
async function acquirePlain(
  ctx: ExchangeContext,
  options: AcquireOptions,
): Promise<HedgedAcquired | Refusal> {
  const startedAt = ctx.proxy.clock.now();
  const got = await acquireDeployment(ctx, options);
  if (!got.ok) return got;
  samples(ctx.proxy).record(got.deployment.id, ctx.proxy.clock.now() - startedAt);
  const acquired = got as HedgedAcquired;
  acquired.pin = got.deployment;
  return acquired;
}

function delayOf(settings: ResolvedHedgeSettings, p95: number | undefined): number {
  if (settings.afterMs !== undefined) return settings.afterMs;
  if (p95 === undefined) return settings.fallbackDelayMs;
  return clamp(p95, settings.minDelayMs, Math.max(settings.minDelayMs, settings.maxDelayMs));
}

/** One attempt on the hedge target through its breaker. */
async function hedgeLeg(ctx: ExchangeContext, d: Deployment, signal: AbortSignal): Promise<Acquired> {
  const { proxy } = ctx;
  const permit = proxy.breakers.get(d.id).tryAcquire();
  if (!permit.ok)
    throw new LegRefused({
      ok: false,
      kind: 'exhausted',
      verdict: undefined,
      failures: [`${d.id}: circuit open`],
      circuitOpen: true,
    });
  ctx.attempts += 1;
  const started = proxy.clock.now();
  const result = await attemptDeployment(ctx, d, undefined);
  const durationMs = proxy.clock.now() - started;
  if (!result.ok) {
    // A hedge stopped because it lost says nothing about the deployment.
    if (signal.aborted || result.verdict.ownLimit) permit.release({ ok: false, durationMs, aborted: true });
    else permit.release({ ok: false, durationMs, category: result.verdict.category });
    throw new LegRefused({
      ok: false,
      kind: 'exhausted',
      verdict: result.verdict,
      failures: [result.verdict.message],
      circuitOpen: false,
    });
  }
  permit.release({ ok: true, durationMs });
  if (signal.aborted) closeLoser(result);
  return { ok: true, deployment: d, result, fallbacks: 0 };
}

/** A leg that acquired a stream after it lost: its connection is closed. */
function closeLoser(result: Extract<AttemptResult, { ok: true }>): void {
  if (result.kind === 'stream') result.stream.close();
}

/** Records the winner's first-token time, the loser's spend, the decision, and the session's pin. */
async function settle(
  ctx: ExchangeContext,
  got: Acquired,
  outcome: HedgeOutcome | undefined,
  race: {
    first: Deployment;
    target: Deployment;
    delayMs: number;
    settings: ResolvedHedgeSettings;
    locked: Deployment | undefined;
  },
): Promise<HedgedAcquired> {
  const { proxy } = ctx;
  const now = proxy.clock.now();
  const startedAt = outcome?.startedAt ?? now;
  const winnerLeg = outcome?.winner ?? 'primary';
  const winnerStart = winnerLeg === 'hedge' ? (outcome?.hedgeStartedAt ?? startedAt) : startedAt;
  samples(proxy).record(got.deployment.id, now - winnerStart);
  if (outcome?.loser !== undefined) {
    const loser = outcome.loser === 'primary' ? race.first : race.target;
    // About four characters a token, as the simulator and the usage estimate count.
    const inputTokens = Math.ceil(JSON.stringify(ctx.body.messages).length / 4);
    const usd = (inputTokens / 1000) * loser.costPer1kInputUsd;
    if (usd > 0) proxy.costs.record({ provider: loser.id, usd, jobId: ctx.auditKey, at: now });
  }
  let pin = got.deployment;
  if (winnerLeg === 'hedge' && got.deployment !== race.first) {
    const context = `${race.first.id} showed no first token after ${race.delayMs} ms; hedge on ${got.deployment.id} answered first`;
    proxy.emit({
      type: 'proxy-fallback',
      correlationId: ctx.correlationId,
      group: ctx.group,
      from: race.first.id,
      to: got.deployment.id,
      reason: 'AUTO_HEDGE_WIN',
    });
    await proxy.recordAutomatic('AUTO_HEDGE_WIN', {
      auditKey: ctx.auditKey,
      from: race.first.id,
      to: got.deployment.id,
      correlationId: ctx.correlationId,
      elapsedMs: now - startedAt,
      category: 'timeout',
      context,
    });
    if (race.locked === race.first) {
      const verdict = sessionMovesToWinner({
        locked: race.first.id,
        winner: got.deployment.id,
        lockedStartedAfterMs: 0,
        winnerStartedAfterMs: winnerStart - startedAt,
        firstTokenAfterMs: now - startedAt,
        lockedP95Ms: samples(proxy).p95(race.first.id, race.settings.minSamples),
      });
      if (!verdict.move) pin = race.first;
    }
  }
  return { ...got, fallbacks: got.fallbacks + (got.deployment === race.first ? 0 : 1), pin };
}
