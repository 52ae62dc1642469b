import { type Clock, systemClock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import { onceUntilRejected } from '../../domain/once-until-rejected.js';
import type {
  CostModel,
  HealthReport,
  ProviderCallContext,
  ProviderCapabilities,
  SynthesizeRequest,
  SynthesizeResult,
  TtsProvider,
} from '../../domain/provider.js';
import type { ProcessOutcome } from '../media/run-process.js';
import { chunkedSpeechResult, speakInChunks } from './chunked-speech.js';
import { probeEngineHealth, runEngine, versionIn } from './engine-process.js';
import {
  type EspeakVoice,
  hasVoice,
  parseVoiceList,
  splitIntoChunks,
  suggestVoices,
  voiceForLanguage,
} from './espeak-voices.js';

/** Options of {@link EspeakProvider}. */
export interface EspeakOptions {
  /** The espeak-ng executable. @default 'espeak-ng' */
  binary?: string;
  /** Voice when the request names neither a voice nor a language. @default 'en-us' */
  defaultVoice?: string;
  /** Words per minute when the request gives none (espeak-ng accepts 80–450). @default 150 */
  defaultWordsPerMinute?: number;
  /** Longest text passed to one espeak-ng call; longer text is split at sentences. @default 400 */
  maxChunkChars?: number;
  /** Milliseconds the health check may take. @default 5000 */
  healthTimeoutMs?: number;
  /** Directory for per-chunk temporary files. @default os.tmpdir() */
  tempDir?: string;
  /** Clock for latency and timeouts. @default systemClock */
  clock?: Clock;
}

/** Portable voice ids (shared with festival and flite) mapped onto espeak-ng voices. */
export const ESPEAK_PORTABLE_VOICES: Readonly<Record<string, string>> = {
  female: 'en-us+f3',
  slt: 'en-us+f3',
  male: 'en-us',
  rms: 'en-us',
  awb: 'en-gb-scotland',
};

const INSTALL_HINT = 'espeak-ng is not installed: apt-get install espeak-ng';

/**
 * Offline narration with espeak-ng. Each call splits the text into sentence chunks, speaks each
 * chunk with one `espeak-ng -w` run (a `chunks` heartbeat per chunk), joins the chunks into one
 * WAV written atomically at `outPath`, and returns the duration measured from the WAV header.
 * The voice is `request.voice`, else the voice of `request.language`, else `defaultVoice`; it is
 * checked against `espeak-ng --voices` (listed once, cached). Aborting kills espeak-ng.
 *
 * @example
 * const tts = new EspeakProvider();
 * const { durationMs } = await tts.synthesize({ text: 'Hello there.', outPath: '/w/s1.wav' }, ctx);
 */
export class EspeakProvider implements TtsProvider {
  readonly id = 'espeak';
  readonly displayName = 'espeak-ng';
  readonly kind = 'tts' as const;
  readonly profileType = 'tts' as const;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'chunk_count', offline: true };
  readonly priority = 4;
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  private readonly binary: string;
  private readonly clock: Clock;
  private readonly voices = onceUntilRejected((signal?: AbortSignal) =>
    this.run(['--voices'], signal).then((out) => parseVoiceList(out.stdout)),
  );

  constructor(private readonly options: EspeakOptions = {}) {
    this.binary = options.binary ?? 'espeak-ng';
    this.clock = options.clock ?? systemClock;
  }

  /** Runs `espeak-ng --version` with a timeout: healthy with the version, or why not. */
  healthCheck(signal: AbortSignal): Promise<HealthReport> {
    return probeEngineHealth(
      signal,
      {
        clock: this.clock,
        timeoutMs: this.options.healthTimeoutMs ?? 5000,
        name: 'espeak-ng',
        missingMessage: INSTALL_HINT,
      },
      async (both) => `espeak-ng ${versionIn((await this.run(['--version'], both)).stdout)}`,
    );
  }

  /** Speaks `request.text` into a WAV at `request.outPath`. */
  async synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult> {
    const { signal, heartbeat } = ctx;
    signal.throwIfAborted();
    const text = request.text.trim();
    if (text === '') {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        'espeak-ng was asked to speak an empty text; give the scene some narration.',
        {
          provider: this.id,
          stage: 'narration',
        },
      );
    }
    const voice = await this.resolveVoice(request, signal);
    const wpm = Math.round(
      Math.min(450, Math.max(80, request.wordsPerMinute ?? this.options.defaultWordsPerMinute ?? 150)),
    );
    const info = await speakInChunks({
      providerId: this.id,
      chunks: splitIntoChunks(text, this.options.maxChunkChars ?? 400),
      voiceLabel: `with voice ${voice}`,
      outPath: request.outPath,
      tempDir: this.options.tempDir,
      signal,
      heartbeat,
      speakChunk: (textPath, wavPath) =>
        this.run(['-b', '1', '-v', voice, '-s', String(wpm), '-f', textPath, '-w', wavPath], signal),
    });
    return chunkedSpeechResult(request.outPath, text, info);
  }

  /** The installed voices (`espeak-ng --voices`, listed once; a failed listing is retried next time). */
  listVoices(signal?: AbortSignal): Promise<EspeakVoice[]> {
    return this.voices(signal);
  }

  private async resolveVoice(request: SynthesizeRequest, signal: AbortSignal): Promise<string> {
    const voices = await this.listVoices(signal);
    const requested = request.voice?.trim();
    const wanted = requested ? (ESPEAK_PORTABLE_VOICES[requested.toLowerCase()] ?? requested) : undefined;
    if (wanted) {
      if (hasVoice(voices, wanted)) return wanted;
      throw this.unknownVoice(`has no voice "${wanted}"`, voices, wanted);
    }
    if (request.language?.trim()) {
      const voice = voiceForLanguage(voices, request.language);
      if (voice) return voice;
      throw this.unknownVoice(
        `has no voice for the language "${request.language}"`,
        voices,
        request.language,
      );
    }
    return this.options.defaultVoice ?? 'en-us';
  }

  private unknownVoice(what: string, voices: readonly EspeakVoice[], wanted: string): ReelayError {
    const some = suggestVoices(voices, wanted);
    return new ReelayError(
      'REELAY_ERR_VALIDATION',
      `espeak-ng ${what}. Valid voices include ${some.join(', ')} (espeak-ng --voices lists all ${voices.length}); choose one of them or another narration provider.`,
      {
        provider: this.id,
        stage: 'narration',
        category: 'processing_error',
        retryable: false,
        details: { suggestions: some },
      },
    );
  }

  private run(args: string[], signal?: AbortSignal): Promise<ProcessOutcome> {
    return runEngine(
      this.binary,
      args,
      { name: 'espeak-ng', providerId: this.id, install: 'apt-get install espeak-ng' },
      { signal, clock: this.clock },
    );
  }
}
