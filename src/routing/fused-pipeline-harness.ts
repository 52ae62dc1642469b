import { vi } from 'vitest';
import { type CallContext, type CallPolicy, createCallContext } from '../domain/call-context.js';
import { systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { silentLogger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import { makeGateway } from '../patience/gateway-test-harness.js';
import { PatiencePolicy } from '../patience/patience-policy.js';
import { BreakerPolicy } from '../resilience/breaker-policy.js';
import { BulkheadPolicy } from '../resilience/bulkhead-policy.js';
import { BulkheadRegistry } from '../resilience/bulkhead-registry.js';
import { createCallPipeline } from '../resilience/call-policy.js';
import { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import { ErrorRecoveryEngine } from '../resilience/error-recovery-engine.js';
import { RateLimitPolicy } from '../resilience/rate-limit-policy.js';
import { RateLimiter } from '../resilience/rate-limiter.js';
import { RetryPolicy } from '../resilience/retry-policy.js';
import type { CallRecord } from './call-record.js';
import { CallRecorder } from './call-recorder.js';
import { MeasurePolicy } from './measure-policy.js';
import type { ProviderPerformanceTracker } from './performance-tracker.js';

/**
 * Test helper (not exported from the package): runs a scenario through the call pipeline's fast
 * path (the patient run settles the whole call and tells measuring, retry and breaker
 * synchronously) or through the composed path (patience hidden from the fast path, so each layer
 * keeps its own continuation), and returns everything that must come out the same — outcome,
 * attempts, gateway events, breaker state and transitions, decisions recorded, what the observer
 * heard and, with measuring, the samples recorded.
 */

const identity = { jobId: 'job-1', stage: 'script', provider: 'OpenAI', correlationId: 'corr-1' };

/** Advances the fake timers by `ms`. */
export const tick = async (ms: number): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};

const apiFailure = (): ReelayError =>
  new ReelayError('REELAY_ERR_PROVIDER', 'upstream 502', { category: 'api_failure', retryable: true });
const authFailure = (): ReelayError =>
  new ReelayError('REELAY_ERR_PROVIDER', 'bad key', { category: 'authentication', retryable: false });

/** One way a call can go. */
export interface Scenario {
  /** What attempt n (from 1) does, given its context. */
  attempt(n: number, ctx: CallContext): Promise<unknown>;
  fallbackPolicy?: 'off' | 'ask';
  /** Lock the job to another provider first (the call is refused before it runs). */
  lockElsewhere?: boolean;
  /** Open the breaker by hand first. */
  openFirst?: boolean;
  /** Runs while the call is pending (advance time, abort). */
  during?(controls: { abort(reason?: unknown): void }): Promise<void>;
  /** Calls in a row (the breaker sees all of them). */
  calls?: number;
  /** With measuring: the provider's cost model has a negative price (pricing a usage throws). */
  unpriceable?: boolean;
}

/**
 * `fused`: the fast path; `composed`: the layers nested (measuring and patience hidden from the
 * fast path); `fallback`: the fast path over a gateway without `executeSettled`; `patience
 * composed`: measuring on the fast path around a patience step hidden from it.
 */
export type PipelineMode = 'fused' | 'composed' | 'fallback' | 'patience composed';

/** Which steps the pipeline has besides retry, breaker and patience. */
export interface PipelineSteps {
  /** Measuring between breaker and patience (the router's composition). */
  measure?: boolean;
  /** Bulkhead (one slot for the provider) and rate limit inside patience, as the routing kit has. */
  inside?: boolean;
}

const hidden = (policy: CallPolicy): CallPolicy => ({ execute: (fn, ctx) => policy.execute(fn, ctx) });

/** Runs `scenario` through retry → breaker → (measure →) patience (→ bulkhead → rate limit) in `mode`. */
export async function runScenario(mode: PipelineMode, scenario: Scenario, steps: PipelineSteps = {}) {
  const h = makeGateway();
  if (scenario.lockElsewhere) h.gateway.lockProvider('job-1', 'Ollama', 'local_llm', 'corr-1');
  const breakers = new CircuitBreakerRegistry({
    defaults: { failureThreshold: 2, slowCallThresholdMs: 10_000 },
  });
  const transitions: string[] = [];
  breakers.onStateChange((c) => transitions.push(`${c.from}->${c.to}`));
  if (scenario.openFirst) breakers.get('OpenAI').open('maintenance');
  const engine = new ErrorRecoveryEngine({
    strategies: { api_failure: { maxRetries: 1, backoff: 'fixed', baseMs: 0, maxMs: 0 } },
    jitter: 0,
  });
  const patience = new PatiencePolicy(
    mode === 'fallback' ? { executeWithPatience: (req) => h.gateway.executeWithPatience(req) } : h.gateway,
  );
  const settled = vi.spyOn(h.gateway, 'executeSettled');
  const samples: Array<Omit<CallRecord, 'startedAt'>> = [];
  const tracker = {
    record: ({ startedAt: _, ...sample }: CallRecord) => {
      samples.push(sample);
      return Promise.resolve();
    },
  } as unknown as ProviderPerformanceTracker;
  const provider = {
    id: 'OpenAI',
    kind: 'chat',
    costModel: { unit: 'token_1k', usdPerUnit: scenario.unpriceable ? -1 : 0.5 },
  } as unknown as Provider;
  const recorder = new CallRecorder({ clock: systemClock, logger: silentLogger, tracker });
  const bulkheads = new BulkheadRegistry({ settings: { OpenAI: { maxConcurrent: 1 } }, clock: systemClock });
  const measure = new MeasurePolicy(recorder, (id) => (id === 'OpenAI' ? provider : undefined));
  const pipeline = createCallPipeline({
    retry: new RetryPolicy(engine),
    breaker: new BreakerPolicy(breakers),
    // Hidden from the fast path, a policy is nested as it is.
    ...(steps.measure ? { measure: mode === 'composed' ? hidden(measure) : measure } : {}),
    patience: mode === 'composed' || mode === 'patience composed' ? hidden(patience) : patience,
    ...(steps.inside
      ? {
          bulkhead: new BulkheadPolicy((id) => bulkheads.get(id)),
          rateLimit: new RateLimitPolicy(new RateLimiter({ clock: systemClock })),
        }
      : {}),
  });
  const heard: string[] = [];
  const attempts: number[] = [];
  const outcomes: unknown[] = [];
  for (let i = 0; i < (scenario.calls ?? 1); i++) {
    const controller = new AbortController();
    const ctx = createCallContext(identity, {
      signal: controller.signal,
      clock: systemClock,
      heartbeat: (beat) => heard.push(`beat ${JSON.stringify(beat)}`),
      profile: {
        providerType: 'cloud_llm',
        heartbeatKind: 'token_count',
        fallbackPolicy: scenario.fallbackPolicy,
      },
      observer: {
        onAttemptFailed: (r) => heard.push(`failed ${r.attempt} ${r.category}`),
        onRetryScheduled: (r) => heard.push(`retry ${r.attempt}`),
        onInterrupted: (reason) => {
          heard.push(`interrupted ${ReelayError.isInstance(reason) ? reason.code : String(reason)}`);
          controller.abort(reason);
        },
      },
    });
    const call = pipeline
      .execute((c) => {
        attempts.push(c.attempt);
        return scenario.attempt(attempts.length, c);
      }, ctx)
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error: ReelayError.isInstance(error) ? error.code : String(error) }),
      );
    let done = false;
    void call.finally(() => {
      done = true;
    });
    await scenario.during?.({ abort: (reason) => controller.abort(reason) });
    // Backoff waits and stalls of further attempts run on the fake timers too.
    for (let waited = 0; !done && waited < 200_000; waited += 1_000) await tick(1_000);
    outcomes.push(await call);
  }
  return {
    usedFastPath: settled.mock.calls.length > 0,
    result: {
      outcomes,
      attempts,
      heard,
      events: h.events.map((e) => e.type),
      breaker: breakers.get('OpenAI').state.state,
      transitions,
      decisions: (await h.gateway.getFallbackHistory('job-1')).map((d) => d.reason),
      active: h.gateway.getActiveOperations().length,
      samples,
    },
  };
}

const answer = (value: unknown) => async (): Promise<unknown> => value;
const pending = (): Promise<string> => new Promise(() => {});

/** The scenarios every path must end the same way. */
export const scenarios: Record<string, Scenario> = {
  success: { attempt: answer('ok') },
  'a retryable failure, then success': {
    attempt: async (n) => {
      if (n === 1) throw apiFailure();
      return 'second';
    },
  },
  'a failure that is not retried': {
    attempt: async () => {
      throw authFailure();
    },
  },
  'failures that open the breaker, then a refused call': {
    attempt: async () => {
      throw apiFailure();
    },
    calls: 2,
  },
  'an open breaker': { attempt: answer('never'), openFirst: true },
  'a slow success (counts against the breaker)': {
    attempt: (_n, ctx) =>
      new Promise((resolve) => {
        setTimeout(() => ctx.heartbeat({ tokens: 1 }), 500);
        setTimeout(() => resolve('slow'), 12_000);
      }),
    calls: 2,
    during: () => tick(12_000),
  },
  'a call refused by the lock': { attempt: answer('never'), lockElsewhere: true },
  'a stall under off': { attempt: pending, fallbackPolicy: 'off', during: () => tick(25_000) },
  'a caller abort': {
    attempt: pending,
    during: async ({ abort }) => {
      await tick(100);
      abort(new Error('user left'));
      await tick(0);
    },
  },
  'an operation that throws synchronously': {
    attempt: (n) => {
      if (n === 1) throw apiFailure();
      return Promise.resolve('after a throw');
    },
  },
  'a success with usage': {
    attempt: answer({ text: 'hi', usage: { inputTokens: 2000, outputTokens: 1000 } }),
  },
  'a success measuring cannot price (with measuring: a failure)': {
    attempt: answer({ text: 'hi', usage: { inputTokens: 2000 } }),
    unpriceable: true,
  },
};
