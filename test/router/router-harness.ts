import { DEFAULT_TIMEOUT_PROFILES } from '../../src/config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../../src/config/timeout-profile-loader.js';
import type { ErrorCategory } from '../../src/domain/error-category.js';
import { ReelayError } from '../../src/domain/errors.js';
import type { ReelayEvent } from '../../src/domain/events.js';
import { sequentialIds } from '../../src/domain/ids.js';
import type {
  ChatRequest,
  ChatResult,
  CostModel,
  HealthReport,
  LlmProvider,
  Provider,
  ProviderCallContext,
  ProviderCapabilities,
  SynthesizeRequest,
  SynthesizeResult,
  TtsProvider,
} from '../../src/domain/provider.js';
import type { ProviderType } from '../../src/domain/provider-type.js';
import type { StageCall } from '../../src/pipeline/provider-runner.js';
import { ProviderRegistry } from '../../src/providers/provider-registry.js';
import { createRoutingKit, type RoutingKit, type RoutingKitOptions } from '../../src/routing/routing-kit.js';
import { MemoryAuditTrail } from '../../src/state/memory/memory-audit-trail.js';

/** What one scripted call does; `n` counts this provider's calls from 0. Resolves with the text. */
export type Behaviour = (ctx: ProviderCallContext, n: number) => Promise<string>;

/** Test helper: answers at once. */
export const ok =
  (text = 'ok'): Behaviour =>
  async () =>
    text;

/** Test helper: fails with a provider error of `category` (retryable unless told otherwise). */
export const fail =
  (category: ErrorCategory, options: { retryable?: boolean; retryAfterMs?: number } = {}): Behaviour =>
  async () => {
    throw providerError(category, options);
  };

/** Test helper: never answers; rejects with the signal's reason when the call is aborted. */
export const hang = (): Behaviour => (ctx) =>
  new Promise<string>((_, reject) => {
    if (ctx.signal.aborted) reject(ctx.signal.reason);
    ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
  });

/**
 * Test helper: pushes a `tokens` heartbeat every `everyMs` (on the global, fake-able timers),
 * `beats` times; then answers, or — with `thenHang` — goes silent until aborted.
 */
export const stream =
  (everyMs: number, beats: number, thenHang = false): Behaviour =>
  (ctx) =>
    new Promise<string>((resolve, reject) => {
      let sent = 0;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        reject(ctx.signal.reason);
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      const tick = (): void => {
        sent += 1;
        ctx.heartbeat({ tokens: sent });
        if (sent < beats) timer = setTimeout(tick, everyMs);
        else if (!thenHang) {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(`streamed ${sent}`);
        }
      };
      timer = setTimeout(tick, everyMs);
    });

/** A provider error as an adapter would throw it (category decided where the fact is known). */
export function providerError(
  category: ErrorCategory,
  options: { retryable?: boolean; retryAfterMs?: number; provider?: string } = {},
): ReelayError {
  return new ReelayError('REELAY_ERR_PROVIDER', `fake ${category} failure`, {
    category,
    retryable: options.retryable ?? category !== 'authentication',
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
  });
}

/** One call a scripted provider received. */
export interface ScriptedCall {
  /** `Date.now()` when the call started (fake clock in tests). */
  at: number;
  signal: AbortSignal;
}

/** Options of the scripted providers. */
export interface ScriptedOptions {
  /** @default 1 */
  priority?: number;
  /** Behaviours per call, in order; the last one repeats. @default [ok()] */
  script?: Behaviour[];
  /** @default 'cloud_llm' for LLMs, 'tts' for TTS */
  profileType?: ProviderType;
  /** @default free */
  costModel?: CostModel;
}

abstract class ScriptedBase {
  readonly calls: ScriptedCall[] = [];
  readonly displayName: string;
  readonly priority: number;
  readonly costModel: CostModel;
  abstract readonly capabilities: ProviderCapabilities;
  private script: Behaviour[];

  constructor(
    readonly id: string,
    options: ScriptedOptions,
  ) {
    this.displayName = id.toUpperCase();
    this.priority = options.priority ?? 1;
    this.costModel = options.costModel ?? { unit: 'free', usdPerUnit: 0 };
    this.script = options.script ?? [ok()];
  }

  /** Replaces the script for the calls still to come (the count of calls is kept). */
  setScript(...script: Behaviour[]): void {
    this.script = script.length > 0 ? script : [ok()];
  }

  async healthCheck(): Promise<HealthReport> {
    return { healthy: true, latencyMs: 1, message: 'ok' };
  }

  protected invoke(ctx: ProviderCallContext): Promise<string> {
    const n = this.calls.length;
    this.calls.push({ at: Date.now(), signal: ctx.signal });
    const behaviour = this.script[Math.min(n, this.script.length - 1)] ?? ok();
    return behaviour(ctx, n);
  }
}

/** An in-memory LLM provider that follows a script (heartbeats: token count). */
export class ScriptedLlm extends ScriptedBase implements LlmProvider {
  readonly kind = 'llm' as const;
  readonly profileType: ProviderType;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'token_count', streaming: true };

  constructor(id: string, options: ScriptedOptions = {}) {
    super(id, options);
    this.profileType = options.profileType ?? 'cloud_llm';
  }

  async chat(_request: ChatRequest, ctx: ProviderCallContext): Promise<ChatResult> {
    const text = await this.invoke(ctx);
    return { text, model: `${this.id}-model`, usage: { inputTokens: 1, outputTokens: 1 } };
  }
}

/** An in-memory TTS provider that follows a script (heartbeats: none). */
export class ScriptedTts extends ScriptedBase implements TtsProvider {
  readonly kind = 'tts' as const;
  readonly profileType: ProviderType;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'none' };

  constructor(id: string, options: ScriptedOptions = {}) {
    super(id, options);
    this.profileType = options.profileType ?? 'tts';
  }

  async synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult> {
    await this.invoke(ctx);
    return { path: request.outPath, durationMs: 1000, format: 'wav', usage: { seconds: 1 } };
  }
}

/** What {@link routerHarness} returns. */
export interface RouterHarness {
  kit: RoutingKit;
  audit: MemoryAuditTrail;
  registry: ProviderRegistry;
  /** Every gateway and router event, in order. */
  events: ReelayEvent[];
  ofType<T extends ReelayEvent['type']>(type: T): Array<Extract<ReelayEvent, { type: T }>>;
}

/**
 * Test helper: the whole router (createRoutingKit) over the given providers, on memory stores,
 * the shipped timeout profiles, sequential ids and no backoff jitter (`random: () => 0`).
 */
export function routerHarness(
  providers: Provider[],
  options: Partial<RoutingKitOptions> = {},
): RouterHarness {
  const registry = new ProviderRegistry(providers);
  const audit = new MemoryAuditTrail();
  const kit = createRoutingKit({
    registry,
    profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
    audit,
    ids: sequentialIds(),
    random: () => 0,
    ...options,
  });
  const events: ReelayEvent[] = [];
  kit.gateway.onAny((e) => events.push(e));
  kit.router.onAny((e) => events.push(e));
  const ofType = <T extends ReelayEvent['type']>(type: T) =>
    events.filter((e): e is Extract<ReelayEvent, { type: T }> => e.type === type);
  return { kit, audit, registry, events, ofType };
}

/** Test helper: a `script` stage call (kind llm, policy auto, job `job_1`) with overrides. */
export function chatCall(
  overrides: Partial<StageCall<ChatResult, LlmProvider>> = {},
): StageCall<ChatResult, LlmProvider> {
  return {
    jobId: 'job_1',
    correlationId: 'corr_1',
    stage: 'script',
    kind: 'llm',
    policy: 'auto',
    signal: new AbortController().signal,
    call: (provider, ctx) => provider.chat({ messages: [{ role: 'user', content: 'Write' }] }, ctx),
    ...overrides,
  };
}

/** Test helper: a `narration` stage call (kind tts, policy auto, job `job_1`) with overrides. */
export function speechCall(
  overrides: Partial<StageCall<SynthesizeResult, TtsProvider>> = {},
): StageCall<SynthesizeResult, TtsProvider> {
  return {
    jobId: 'job_1',
    correlationId: 'corr_1',
    stage: 'narration',
    kind: 'tts',
    policy: 'auto',
    signal: new AbortController().signal,
    call: (provider, ctx) => provider.synthesize({ text: 'Hello', outPath: '/tmp/never-written.wav' }, ctx),
    ...overrides,
  };
}

/** The error a promise rejects with; throws when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}
