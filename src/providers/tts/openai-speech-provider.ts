import type { Clock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type {
  CostModel,
  HealthReport,
  ProviderCallContext,
  ProviderCapabilities,
  SynthesizeRequest,
  SynthesizeResult,
  TtsProvider,
} from '../../domain/provider.js';
import { MalformedResponseError } from '../../resilience/output-errors.js';
import { createAdapterConfig } from '../http/adapter-config.js';
import { probeHealth } from '../http/health-probe.js';
import type { HttpContext } from '../http/http-context.js';
import type { NetworkedProviderOptions } from '../http/networked-options.js';
import { rewordError, toProviderError } from '../http/provider-error.js';
import { requestBinary } from '../http/request-binary.js';
import { requestJson } from '../http/request-json.js';
import { readWavInfo } from '../http/wav-pcm.js';

/** Longest input OpenAI's speech endpoint accepts, in characters. */
export const OPENAI_SPEECH_MAX_CHARS = 4096;

/** Options of {@link OpenAiSpeechProvider}. Defaults: `id` 'openai-speech', `priority` 3, `costModel` { unit: 'character', usdPerUnit: 0.000015 } (tts-1), `keyEnvVar` 'OPENAI_API_KEY'. */
export interface OpenAiSpeechOptions extends NetworkedProviderOptions {
  /** Sent as `Authorization: Bearer`; omit for compatible local servers that need none. */
  apiKey?: string;
  /** @default 'OpenAI Speech' */
  displayName?: string;
  /** @default 'tts-1' */
  model?: string;
  /** Voice used when the request names none. @default 'alloy' */
  voice?: string;
  /** @default 'https://api.openai.com/v1' */
  baseUrl?: string;
}

/**
 * Text to speech through OpenAI's `POST /audio/speech` with `response_format: 'wav'`. The audio
 * is streamed to `outPath` (atomically) with one `chunks` heartbeat per received chunk; the
 * duration is read from the WAV header (bounded by the bytes present, since the streamed header
 * carries a placeholder size).
 *
 * @example
 * const tts = new OpenAiSpeechProvider({ apiKey: process.env.OPENAI_API_KEY, voice: 'nova' });
 * await tts.synthesize({ text: 'Hello', outPath: '/w/hello.wav' }, { signal, heartbeat });
 */
export class OpenAiSpeechProvider implements TtsProvider {
  readonly kind = 'tts' as const;
  readonly id: string;
  readonly displayName: string;
  readonly profileType = 'tts' as const;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'chunk_count', streaming: true };
  readonly priority: number;
  readonly costModel: CostModel;
  readonly model: string;
  readonly voice: string;
  readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly http: HttpContext;
  private readonly clock: Clock;

  constructor(options: OpenAiSpeechOptions = {}) {
    const config = createAdapterConfig(options, {
      id: 'openai-speech',
      displayName: 'OpenAI Speech',
      priority: 3,
      costModel: { unit: 'character', usdPerUnit: 0.000015 },
      keyEnvVar: 'OPENAI_API_KEY',
      baseUrl: 'https://api.openai.com/v1',
    });
    ({ id: this.id, displayName: this.displayName, baseUrl: this.baseUrl, priority: this.priority } = config);
    ({ costModel: this.costModel, clock: this.clock, http: this.http } = config);
    this.model = options.model ?? 'tts-1';
    this.voice = options.voice ?? 'alloy';
    this.headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  }

  /** Streams the speech of `request.text` to `request.outPath` as WAV. */
  async synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult> {
    if (request.text.length > OPENAI_SPEECH_MAX_CHARS) {
      throw new ReelayError(
        'REELAY_ERR_PROVIDER',
        `${this.displayName} accepts at most ${OPENAI_SPEECH_MAX_CHARS} characters per request; this narration has ${request.text.length}: split it into shorter scenes.`,
        { category: 'processing_error', retryable: false, provider: this.displayName },
      );
    }
    try {
      const result = await requestBinary(
        this.http,
        {
          url: `${this.baseUrl}/audio/speech`,
          headers: { ...this.headers, accept: 'audio/wav' },
          json: {
            model: this.model,
            input: request.text,
            voice: request.voice ?? this.voice,
            response_format: 'wav',
          },
          signal: ctx.signal,
        },
        { outPath: request.outPath, onChunk: ({ chunks }) => ctx.heartbeat({ chunks }) },
      );
      const info = await readWavInfo(result.path);
      if (!info || info.dataBytes === 0) {
        throw new MalformedResponseError(`the ${result.bytes}-byte answer is not WAV audio with samples`);
      }
      return {
        path: result.path,
        durationMs: info.durationMs,
        format: 'wav',
        usage: { characters: request.text.length, seconds: info.durationMs / 1000, requests: 1 },
      };
    } catch (error) {
      throw this.explain(ReelayError.isInstance(error) ? error : toProviderError(this.http, error));
    }
  }

  /** `GET /models`: healthy when the key is accepted. */
  healthCheck(signal: AbortSignal): Promise<HealthReport> {
    return probeHealth(this.clock, signal, async () => {
      try {
        const { body } = await requestJson(this.http, {
          url: `${this.baseUrl}/models`,
          headers: this.headers,
          signal,
        });
        const count = Array.isArray((body as { data?: unknown }).data)
          ? (body as { data: unknown[] }).data.length
          : 0;
        return `key accepted; ${count} models listed`;
      } catch (error) {
        throw ReelayError.isInstance(error) ? this.explain(error) : error;
      }
    });
  }

  private explain(error: ReelayError): ReelayError {
    if (error.details.httpStatus === 401) {
      return rewordError(
        error,
        `Invalid API key for ${this.displayName} (HTTP 401): set a valid key in ${this.http.keyEnvVar}; Reelay will not retry with the same key.`,
      );
    }
    return error;
  }
}
