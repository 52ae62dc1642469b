import { type Clock, systemClock } from '../../domain/clock.js';
import type {
  CostModel,
  HealthReport,
  ProviderCallContext,
  ProviderCapabilities,
  SynthesizeRequest,
  SynthesizeResult,
  TtsProvider,
} from '../../domain/provider.js';
import { writeSilentWav } from './wav.js';

/** Options of {@link CaptionsOnlyProvider}. */
export interface CaptionsOnlyOptions {
  /** Words per minute when the request gives none. @default 150 */
  defaultWordsPerMinute?: number;
  /** Shortest silence written, in milliseconds. @default 1500 */
  minDurationMs?: number;
  /** Sample rate of the silent WAV (espeak-ng's rate, so scenes mix cleanly). @default 22050 */
  sampleRate?: number;
  /** Clock for health-check latency. @default systemClock */
  clock?: Clock;
}

/**
 * The last-resort narration: no speech at all. It writes a silent WAV as long as the words would
 * take to read (`request.estimatedDurationMs` when given, else words ÷ words per minute; at least
 * `minDurationMs`) and returns `silent: true`; the burned-in subtitles carry the words.
 * Choosing it is a degradation the pipeline records (`DEGRADED`).
 *
 * @example
 * const r = await new CaptionsOnlyProvider().synthesize({ text, outPath: '/w/s1.wav' }, ctx);
 * r.silent; // true
 */
export class CaptionsOnlyProvider implements TtsProvider {
  readonly id = 'captions-only';
  readonly displayName = 'Captions only';
  readonly kind = 'tts' as const;
  readonly profileType = 'fallback_provider' as const;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'chunk_count', offline: true };
  readonly priority = 5;
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  private readonly clock: Clock;

  constructor(private readonly options: CaptionsOnlyOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Always healthy: it needs nothing but the disk. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    signal.throwIfAborted();
    const started = this.clock.now();
    return {
      healthy: true,
      latencyMs: this.clock.now() - started,
      message: 'captions-only narration ready (silent audio)',
    };
  }

  /** Estimated narration length of `text` in milliseconds (at least `minDurationMs`). */
  estimateMs(text: string, wordsPerMinute?: number): number {
    const trimmed = text.trim();
    const words = trimmed === '' ? 0 : trimmed.split(/\s+/).length;
    const wpm = wordsPerMinute ?? this.options.defaultWordsPerMinute ?? 150;
    return Math.max(this.options.minDurationMs ?? 1500, Math.round((words / wpm) * 60_000));
  }

  /** Writes the silent WAV at `request.outPath` (atomically). */
  async synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult> {
    ctx.signal.throwIfAborted();
    const minMs = this.options.minDurationMs ?? 1500;
    const wanted =
      request.estimatedDurationMs !== undefined
        ? Math.max(minMs, request.estimatedDurationMs)
        : this.estimateMs(request.text, request.wordsPerMinute);
    const durationMs = await writeSilentWav(request.outPath, wanted, this.options.sampleRate ?? 22_050);
    ctx.heartbeat({ chunks: 1, message: `wrote ${durationMs} ms of silence for captions` });
    return {
      path: request.outPath,
      durationMs,
      format: 'wav',
      usage: { characters: request.text.length, seconds: durationMs / 1000 },
      silent: true,
    };
  }
}
