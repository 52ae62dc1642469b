import { sleep } from '../../domain/clock.js';
import type { FallbackPolicy } from '../../domain/fallback.js';
import type { AutomaticReason } from '../../patience/fallback-decision.js';
import type { UpstreamAttemptRecord } from '../../state/attempt-trail.js';
import { type AttemptResult, attemptDeployment, type ExchangeContext } from './attempt-runner.js';
import type { Deployment } from './deployment-catalog.js';
import type { UpstreamVerdict } from './upstream-verdict.js';

/** A deployment answered (first content of a stream, or a whole JSON answer). */
export interface Acquired {
  ok: true;
  deployment: Deployment;
  result: Extract<AttemptResult, { ok: true }>;
  /** Switches made before it answered. */
  fallbacks: number;
}

/** No deployment answered; what to tell the client. */
export type Refusal =
  /** Return the upstream's own answer (client error, content refusal, context length without a larger deployment). */
  | { ok: false; kind: 'return'; deployment: Deployment; verdict: UpstreamVerdict }
  /** `ask`: a switch is needed and the client must choose. */
  | {
      ok: false;
      kind: 'ask';
      failed: Deployment;
      verdict: UpstreamVerdict | undefined;
      reason: string;
      alternatives: Deployment[];
    }
  /** Every allowed deployment failed (or was refused by its breaker or budget). */
  | {
      ok: false;
      kind: 'exhausted';
      verdict: UpstreamVerdict | undefined;
      failures: string[];
      circuitOpen: boolean;
    };

/** Options of {@link acquireDeployment}. */
export interface AcquireOptions {
  chain: readonly Deployment[];
  policy: FallbackPolicy;
  /** Assistant prefill (continuations); undefined for a fresh answer. */
  prefill?: string | undefined;
  /** Whether the client already has content (labels events). @default false */
  midStream?: boolean;
  /** Deployments to skip (already failed in this exchange). */
  exclude?: ReadonlySet<Deployment>;
}

/**
 * Tries the chain in order until a deployment answers: retries the same deployment for retryable
 * failures (Retry-After honoured up to the cap, else a backoff; at most `maxAttemptsPerDeployment`),
 * skips deployments whose circuit is open or whose budget is spent, moves a context-length failure
 * to a larger-context deployment, and switches under `auto` (each switch a recorded decision).
 * Under `off` nothing switches; under `ask` the first needed switch is handed back to the client.
 */
export async function acquireDeployment(
  ctx: ExchangeContext,
  options: AcquireOptions,
): Promise<Acquired | Refusal> {
  const { proxy, limits } = ctx;
  const chain = options.chain.filter((d) => !options.exclude?.has(d));
  const failures: string[] = [];
  let last: UpstreamVerdict | undefined;
  let circuitOpen = false;
  let fallbacks = 0;
  let from: Deployment | undefined;
  let reason: AutomaticReason = 'AUTO_AFTER_ERROR';
  const switchedAt = proxy.clock.now();
  const midStream = options.midStream ?? false;
  for (let i = 0; i < chain.length; i += 1) {
    const d = chain[i] as Deployment;
    if (from !== undefined) {
      if (options.policy === 'off') break;
      if (options.policy === 'ask')
        return { ok: false, kind: 'ask', failed: from, verdict: last, reason, alternatives: chain.slice(i) };
      fallbacks += 1;
      proxy.emit({
        type: 'proxy-fallback',
        correlationId: ctx.correlationId,
        group: ctx.group,
        from: from.id,
        to: d.id,
        reason,
      });
      await proxy.recordAutomatic(reason, {
        auditKey: ctx.auditKey,
        from: from.id,
        to: d.id,
        correlationId: ctx.correlationId,
        elapsedMs: proxy.clock.now() - switchedAt,
        category: last?.category ?? 'circuit_open',
        context: `${from.id} → ${d.id}: ${last?.message ?? 'circuit open'}${midStream ? ' (stream recovery)' : ''}`,
      });
    }
    from = d;
    if (!proxy.withinBudget(d, ctx.auditKey)) {
      failures.push(`${d.id}: budget exhausted`);
      recordAttempt(ctx, midStream, d, 'skipped', 'budget', undefined, proxy.clock.now());
      continue;
    }
    for (let n = 1; n <= limits.maxAttemptsPerDeployment; n += 1) {
      const permit = proxy.breakers.get(d.id).tryAcquire();
      if (!permit.ok) {
        circuitOpen = true;
        reason = 'AUTO_CIRCUIT_OPEN';
        failures.push(`${d.id}: circuit open`);
        recordAttempt(ctx, midStream, d, 'skipped', 'circuit_open', undefined, proxy.clock.now());
        break;
      }
      ctx.attempts += 1;
      const started = proxy.clock.now();
      const result = await attemptDeployment(ctx, d, options.prefill);
      const durationMs = proxy.clock.now() - started;
      if (result.ok) {
        permit.release({ ok: true, durationMs });
        recordAttempt(ctx, midStream, d, 'ok', undefined, 200, started);
        return { ok: true, deployment: d, result, fallbacks };
      }
      const v = result.verdict;
      last = v;
      const healthy =
        v.action === 'return' || v.action === 'context_length' || v.action === 'prefill_rejected';
      permit.release(
        // Refused by our own limit: the deployment never saw it, its breaker must not count it.
        ctx.signal.aborted || v.ownLimit
          ? { ok: false, durationMs, aborted: true }
          : healthy
            ? { ok: true, durationMs }
            : { ok: false, durationMs, category: v.category },
      );
      recordAttempt(
        ctx,
        midStream,
        d,
        'failed',
        v.category,
        v.ownLimit ? undefined : v.status || undefined,
        started,
      );
      if (ctx.signal.aborted) return { ok: false, kind: 'exhausted', verdict: v, failures, circuitOpen };
      if (v.action === 'return' || v.action === 'prefill_rejected')
        return { ok: false, kind: 'return', deployment: d, verdict: v };
      failures.push(v.message);
      reason = v.category === 'timeout' ? 'AUTO_AFTER_STALL' : 'AUTO_AFTER_ERROR';
      if (v.action === 'context_length') {
        const larger = largerContext(chain.slice(i + 1), ctx.proxy.catalog.deploymentsOf(ctx.group), d);
        if (!larger || options.policy === 'off')
          return { ok: false, kind: 'return', deployment: d, verdict: v };
        // Jump straight to the larger deployment: it becomes the next in the chain.
        const rest = chain.slice(i + 1).filter((x) => x !== larger);
        (chain as Deployment[]).splice(i + 1, chain.length, larger, ...rest);
        break;
      }
      if (v.action !== 'retry' || n === limits.maxAttemptsPerDeployment) break;
      await sleep(proxy.clock, v.retryAfterMs ?? limits.backoffMs, ctx.signal).catch(() => {});
      if (ctx.signal.aborted) return { ok: false, kind: 'exhausted', verdict: v, failures, circuitOpen };
    }
  }
  return { ok: false, kind: 'exhausted', verdict: last, failures, circuitOpen };
}

/** Queues one attempt for the audit trail and publishes it as a `proxy-attempt` event. */
function recordAttempt(
  ctx: ExchangeContext,
  midStream: boolean,
  d: Deployment,
  outcome: 'ok' | 'failed' | 'skipped',
  why: string | undefined,
  status: number | undefined,
  started: number,
): void {
  const { proxy } = ctx;
  const elapsedMs = proxy.clock.now() - started;
  // Built without spreads: one object per attempt on the hot path.
  const record: UpstreamAttemptRecord = {
    key: ctx.auditKey,
    correlationId: ctx.correlationId,
    group: ctx.group,
    deployment: d.id,
    attempt: ctx.attempts,
    outcome,
    startedAt: new Date(started).toISOString(),
    elapsedMs,
    midStream,
  };
  if (why !== undefined) record.reason = why;
  if (status !== undefined) record.status = status;
  proxy.attempts.add(record);
  if (proxy.options.onEvent === undefined && !proxy.debugEnabled) return;
  proxy.emit({
    type: 'proxy-attempt',
    correlationId: ctx.correlationId,
    group: ctx.group,
    deployment: d.id,
    attempt: ctx.attempts,
    outcome,
    ...(why === undefined ? {} : { reason: why }),
    ...(status === undefined ? {} : { status }),
    elapsedMs,
    midStream,
  });
}

function largerContext(
  rest: readonly Deployment[],
  group: readonly Deployment[],
  failed: Deployment,
): Deployment | undefined {
  const need = failed.contextWindow ?? 0;
  const pool = [...rest, ...group.filter((d) => !rest.includes(d) && d !== failed)];
  return pool
    .filter((d) => (d.contextWindow ?? 0) > need)
    .sort((a, b) => (a.contextWindow ?? 0) - (b.contextWindow ?? 0))[0];
}
