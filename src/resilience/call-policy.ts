import type { CallContext, CallFn, CallPolicy, CallSettler } from '../domain/call-context.js';
import { BreakerPolicy } from './breaker-policy.js';
import { RetryThroughBreaker } from './retry-breaker-step.js';
import { RetryPolicy } from './retry-policy.js';

export type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';

/** The policy that adds nothing: runs the call as it is. */
export const passThroughPolicy: CallPolicy = {
  execute: (fn, ctx) => fn(ctx),
};

class WrappedPolicy implements CallPolicy {
  constructor(
    private readonly outer: CallPolicy,
    private readonly inner: CallPolicy,
  ) {}

  execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const { outer, inner } = this;
    // No closure per call and layer when the outer policy can call its inner one itself.
    if (outer.executeInner !== undefined) return outer.executeInner(inner, fn, ctx);
    return outer.execute((c) => inner.execute(fn, c), ctx);
  }
}

/**
 * A wrapped policy on the fast path of the fused retry-and-breaker step: the outer policy takes
 * part in settling (`executeInnerSettled`: measuring, and patience, which settles calls itself).
 */
class SettledWrappedPolicy extends WrappedPolicy {
  constructor(
    private readonly settledOuter: CallPolicy & Required<Pick<CallPolicy, 'executeInnerSettled'>>,
    private readonly settledInner: CallPolicy,
  ) {
    super(settledOuter, settledInner);
  }

  executeSettled<T>(fn: CallFn<T>, ctx: CallContext, settler: CallSettler, startedAt: number): Promise<T> {
    return this.settledOuter.executeInnerSettled(this.settledInner, fn, ctx, settler, startedAt);
  }
}

/** Wraps `inner` in `outer`, keeping the fast path through both when they support it. */
function wrapPair(outer: CallPolicy, inner: CallPolicy): CallPolicy {
  if (outer.executeInnerSettled === undefined) return new WrappedPolicy(outer, inner);
  return new SettledWrappedPolicy(
    outer as CallPolicy & Required<Pick<CallPolicy, 'executeInnerSettled'>>,
    inner,
  );
}

/**
 * Composes policies, outermost first: `wrap(a, b, c).execute(fn, ctx)` runs
 * `a.execute(c1 => b.execute(c2 => c.execute(fn, c2), c1), ctx)`. Each policy sees the context
 * the one outside it passed on.
 *
 * @example
 * const pipeline = wrap(retry, breaker, timeout);
 * const value = await pipeline.execute((ctx) => provider.chat(request, ctx), ctx);
 */
export function wrap(...policies: readonly CallPolicy[]): CallPolicy {
  if (policies.length === 0) return passThroughPolicy;
  let composed = policies[policies.length - 1] as CallPolicy;
  /** What the policy at the head of `composed` wraps (undefined: the call itself). */
  let inside: CallPolicy | undefined;
  for (let i = policies.length - 2; i >= 0; i--) {
    const outer = policies[i] as CallPolicy;
    const head = policies[i + 1];
    // Retry directly around the breaker: one continuation for both on the fast path.
    const next =
      outer instanceof RetryPolicy && head instanceof BreakerPolicy
        ? new RetryThroughBreaker(outer, head, inside, composed)
        : wrapPair(outer, composed);
    inside = composed;
    composed = next;
  }
  return composed;
}

/**
 * The order of the provider-call pipeline, outermost first, written down once:
 * 1. `budget`   — refuses a call whose estimated cost would exceed a budget (before anything runs);
 * 2. `retry`    — same-provider retries per error category, honouring Retry-After;
 * 3. `breaker`  — each attempt passes the provider's circuit breaker (a refused attempt is an error
 *                 the retry policy classifies; an open circuit is not retried);
 * 4. `measure`  — latency, first progress, outcome and spend of each admitted attempt are recorded;
 * 5. `patience` — each attempt is monitored: lock check, latency categories, stalls, heartbeats;
 * 6. `bulkhead` — each attempt holds one of the provider's call slots, queueing when all are busy;
 * 7. `rateLimit`— each attempt takes its place in the provider's rate window, waiting when full;
 * 8. `timeout`  — an optional hard limit on one attempt.
 * Why this order: the budget must be checked once per provider, not once per retry; every retry
 * must be seen by the breaker; and patience measures the provider, not our backoff waits.
 * Bulkhead and rate limit sit inside patience so their waiting heartbeats reach the job and count
 * as progress; the rate limit is innermost so a request is counted just before it is sent. Their
 * refusals are not held against the provider by breaker or measuring (`limit-refusal.ts`).
 */
export const CALL_PIPELINE_ORDER = [
  'budget',
  'retry',
  'breaker',
  'measure',
  'patience',
  'bulkhead',
  'rateLimit',
  'timeout',
] as const;

/** One of {@link CALL_PIPELINE_ORDER}. */
export type CallPipelineStep = (typeof CALL_PIPELINE_ORDER)[number];

/** The policies of a pipeline by step; absent steps are skipped. */
export type CallPipelineParts = Partial<Record<CallPipelineStep, CallPolicy>>;

/** Composes `parts` in {@link CALL_PIPELINE_ORDER}. */
export function createCallPipeline(parts: CallPipelineParts): CallPolicy {
  const policies: CallPolicy[] = [];
  for (const step of CALL_PIPELINE_ORDER) {
    const policy = parts[step];
    if (policy) policies.push(policy);
  }
  return wrap(...policies);
}
