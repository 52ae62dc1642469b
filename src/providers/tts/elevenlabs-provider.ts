import { rm } from 'node:fs/promises';
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
import { pcmDurationMs, pcmWavHeader, WAV_HEADER_BYTES } from '../http/wav-pcm.js';
import { type ElevenLabsAudio, parseElevenLabsFormat } from './elevenlabs-format.js';

/** Options of {@link ElevenLabsProvider}. Defaults: `id` 'elevenlabs', `priority` 2, `costModel` { unit: 'character', usdPerUnit: 0.0003 }, `keyEnvVar` 'ELEVENLABS_API_KEY'. */
export interface ElevenLabsOptions extends NetworkedProviderOptions {
  /** Sent as the `xi-api-key` header. */
  apiKey: string;
  /** @default 'ElevenLabs' */
  displayName?: string;
  /** Voice used when the request names none. @default '21m00Tcm4TlvDq8ikWAM' (Rachel) */
  voiceId?: string;
  /** @default 'eleven_multilingual_v2' */
  modelId?: string;
  /** `pcm_<rate>` (written as WAV) or `mp3_<rate>_<kbps>`. @default 'pcm_22050' */
  outputFormat?: string;
  /** @default 'https://api.elevenlabs.io' */
  baseUrl?: string;
}

type Json = Record<string, unknown>;

function parseSubscription(value: unknown): { used: number; limit: number; tier: string } {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Json;
  if (typeof v.character_count !== 'number' || typeof v.character_limit !== 'number') {
    throw new MalformedResponseError('subscription has no character_count / character_limit');
  }
  return {
    used: v.character_count,
    limit: v.character_limit,
    tier: typeof v.tier === 'string' ? v.tier : 'unknown',
  };
}

/**
 * Text to speech through ElevenLabs' streaming endpoint
 * (`POST /v1/text-to-speech/{voice_id}/stream?output_format=pcm_22050`). Audio is written to
 * `outPath` as it arrives (PCM wrapped in a WAV header, atomically), with one `chunks` heartbeat
 * per received chunk; the duration comes from the sample count.
 *
 * @example
 * const tts = new ElevenLabsProvider({ apiKey: process.env.ELEVENLABS_API_KEY! });
 * const { durationMs } = await tts.synthesize({ text, outPath: '/w/scene-1.wav' }, { signal, heartbeat });
 */
export class ElevenLabsProvider implements TtsProvider {
  readonly kind = 'tts' as const;
  readonly id: string;
  readonly displayName: string;
  readonly profileType = 'tts' as const;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'chunk_count', streaming: true };
  readonly priority: number;
  readonly costModel: CostModel;
  readonly voiceId: string;
  readonly modelId: string;
  readonly baseUrl: string;
  private readonly outputFormat: string;
  private readonly audio: ElevenLabsAudio;
  private readonly headers: Record<string, string>;
  private readonly http: HttpContext;
  private readonly clock: Clock;

  constructor(options: ElevenLabsOptions) {
    const config = createAdapterConfig(options, {
      id: 'elevenlabs',
      displayName: 'ElevenLabs',
      priority: 2,
      costModel: { unit: 'character', usdPerUnit: 0.0003 },
      keyEnvVar: 'ELEVENLABS_API_KEY',
      baseUrl: 'https://api.elevenlabs.io',
    });
    ({ id: this.id, displayName: this.displayName, baseUrl: this.baseUrl, priority: this.priority } = config);
    ({ costModel: this.costModel, clock: this.clock, http: this.http } = config);
    this.voiceId = options.voiceId ?? '21m00Tcm4TlvDq8ikWAM';
    this.modelId = options.modelId ?? 'eleven_multilingual_v2';
    this.outputFormat = options.outputFormat ?? 'pcm_22050';
    this.audio = parseElevenLabsFormat(this.outputFormat);
    this.headers = { 'xi-api-key': options.apiKey };
  }

  /** Streams the speech of `request.text` to `request.outPath`. */
  async synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult> {
    const voice = request.voice ?? this.voiceId;
    const url = `${this.baseUrl}/v1/text-to-speech/${encodeURIComponent(voice)}/stream?output_format=${this.outputFormat}`;
    const audio = this.audio;
    try {
      const result = await requestBinary(
        this.http,
        {
          url,
          headers: { ...this.headers, accept: audio.container === 'pcm' ? 'audio/pcm' : 'audio/mpeg' },
          json: { text: request.text, model_id: this.modelId },
          signal: ctx.signal,
        },
        {
          outPath: request.outPath,
          onChunk: ({ chunks }) => ctx.heartbeat({ chunks }),
          reserveBytes: audio.container === 'pcm' ? WAV_HEADER_BYTES : 0,
          finalize:
            audio.container === 'pcm'
              ? async (file, bytes) => {
                  const header = pcmWavHeader({ sampleRate: audio.sampleRate }, bytes - (bytes % 2));
                  await file.write(header, 0, header.byteLength, 0);
                  if (bytes % 2 === 1) await file.truncate(WAV_HEADER_BYTES + bytes - 1);
                }
              : undefined,
        },
      );
      if (result.bytes === 0) {
        await rm(result.path, { force: true });
        throw new MalformedResponseError('the audio stream was empty');
      }
      const durationMs =
        audio.container === 'pcm'
          ? pcmDurationMs({ sampleRate: audio.sampleRate }, result.bytes)
          : (result.bytes * 8) / audio.kbps;
      return {
        path: result.path,
        durationMs,
        format: audio.container === 'pcm' ? 'wav' : 'mp3',
        usage: { characters: request.text.length, seconds: durationMs / 1000, requests: 1 },
      };
    } catch (error) {
      throw this.explain(ReelayError.isInstance(error) ? error : toProviderError(this.http, error), voice);
    }
  }

  /** `GET /v1/user/subscription`: healthy when the key works and characters are left this period. */
  healthCheck(signal: AbortSignal): Promise<HealthReport> {
    return probeHealth(this.clock, signal, async () => {
      try {
        const { body } = await requestJson(
          this.http,
          { url: `${this.baseUrl}/v1/user/subscription`, headers: this.headers, signal },
          parseSubscription,
        );
        const left = body.limit - body.used;
        if (left <= 0) {
          return {
            healthy: false,
            message: `${this.displayName} quota is used up (${body.used} of ${body.limit} characters, ${body.tier} tier): wait for the reset or upgrade the plan.`,
          };
        }
        return `${left} of ${body.limit} characters left (${body.tier} tier)`;
      } catch (error) {
        throw ReelayError.isInstance(error) ? this.explain(error, this.voiceId) : error;
      }
    });
  }

  /** Adds ElevenLabs-specific advice, keeping the classifier's category and retryable flag. */
  private explain(error: ReelayError, voice: string): ReelayError {
    const code = error.details.providerCode;
    if (code === 'voice_not_found') {
      return rewordError(
        error,
        `${this.displayName} has no voice "${voice}" (HTTP ${String(error.details.httpStatus)}): choose a voice id listed by GET /v1/voices, or another voice in the request.`,
      );
    }
    if (code === 'quota_exceeded') {
      const said =
        typeof error.details.providerMessage === 'string'
          ? ` ElevenLabs said: "${error.details.providerMessage}"`
          : '';
      return rewordError(
        error,
        `${this.displayName} quota is used up for this request: add credits or wait for the monthly reset, or choose another voice provider.${said}`,
      );
    }
    if (error.category === 'authentication') {
      return rewordError(
        error,
        `Invalid API key for ${this.displayName} (HTTP ${String(error.details.httpStatus)}): set a valid key in ${this.http.keyEnvVar}.`,
      );
    }
    return error;
  }
}
