/**
 * Narration providers that misbehave on purpose, for the pipeline tests: one that works for the
 * first calls and then fails with a classified error, one that always fails, one whose health
 * check reports it unhealthy. Working calls are served by the real espeak-ng.
 */
import type { ErrorCategory } from '../../src/domain/error-category.js';
import { ReelayError } from '../../src/domain/errors.js';
import type {
  CostModel,
  HealthReport,
  ProviderCallContext,
  ProviderCapabilities,
  SynthesizeRequest,
  SynthesizeResult,
  TtsProvider,
} from '../../src/domain/provider.js';
import { EspeakProvider } from '../../src/providers/tts/espeak.js';

/** Options of {@link MisbehavingTts}. */
export interface MisbehavingTtsOptions {
  /** Provider id. */
  id: string;
  /** Calls served (by espeak-ng) before every further call fails. @default 0 */
  okCalls?: number;
  /** Category of the failure. @default 'api_failure' */
  category?: ErrorCategory;
  /** Whether the failure is retryable (false keeps tests fast: no same-provider retries). @default false */
  retryable?: boolean;
  /** What the health check reports. @default healthy */
  health?: { healthy: boolean; message: string };
  /** 1 (preferred) … 5. @default 1 */
  priority?: number;
}

/**
 * A TTS provider that narrates with espeak-ng for its first `okCalls` calls, then throws a
 * classified `ReelayError` (provider, category, retryable) on every call.
 */
export class MisbehavingTts implements TtsProvider {
  readonly id: string;
  readonly displayName: string;
  readonly kind = 'tts' as const;
  readonly profileType = 'tts' as const;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'chunk_count', offline: true };
  readonly priority: number;
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  /** Every synthesize call, in order: the text and whether it was served. */
  readonly calls: Array<{ text: string; ok: boolean }> = [];
  private readonly voice = new EspeakProvider();

  constructor(private readonly options: MisbehavingTtsOptions) {
    this.id = options.id;
    this.displayName = `Test TTS ${options.id}`;
    this.priority = options.priority ?? 1;
  }

  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    signal.throwIfAborted();
    const health = this.options.health ?? { healthy: true, message: 'ready' };
    return { ...health, latencyMs: 1 };
  }

  async synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult> {
    const ok = this.calls.filter((c) => c.ok).length < (this.options.okCalls ?? 0);
    this.calls.push({ text: request.text, ok });
    if (ok) return this.voice.synthesize(request, ctx);
    const category = this.options.category ?? 'api_failure';
    throw new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${this.id} could not synthesize speech (${category}); check the provider's status page`,
      { provider: this.id, category, retryable: this.options.retryable ?? false },
    );
  }
}
