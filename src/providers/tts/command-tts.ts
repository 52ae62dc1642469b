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
import { splitIntoChunks } from './espeak-voices.js';

/** Options shared by the command-line speech engines (festival, flite). */
export interface CommandTtsOptions {
  /** Voice when the request names none (an engine voice or a portable id such as `slt`). */
  defaultVoice?: string;
  /** Longest text passed to one engine run; longer text is split at sentences. */
  maxChunkChars?: number;
  /** Milliseconds the health check may take (festival starts slowly on a busy machine). @default 20000 */
  healthTimeoutMs?: number;
  /** Directory for per-chunk temporary files. @default os.tmpdir() */
  tempDir?: string;
  /** Clock for latency and timeouts. @default systemClock */
  clock?: Clock;
}

/** Language names and tags the English-only engines accept (matched case-insensitively by primary subtag). */
export const ENGLISH_LANGUAGES: readonly string[] = ['en', 'english', 'american english', 'british english'];

/** What a subclass tells the shared code about its engine. */
export interface EngineSpec {
  /** Display name used in messages, e.g. `festival`. */
  name: string;
  /** The executable that answers the version and voice queries. */
  binary: string;
  /** The executable that speaks, when not `binary`. */
  speakBinary?: string;
  /** Arguments printing the version. */
  versionArgs: string[];
  /** Exit codes of the version command that mean success (flite exits 1 after printing it). @default [0] */
  versionExitCodes?: number[];
  /** Debian packages that install the engine and its voice. */
  install: string;
  /** Default longest chunk. */
  maxChunkChars: number;
}

/**
 * The shared body of the offline speech engines that run one process per text chunk and write a
 * WAV: empty-text and language validation, voice resolution against the installed voices (listed
 * once, cached), one `chunks` heartbeat per chunk, abort kills the child, joined output written
 * atomically, duration measured from the WAV header, errors classified (`system_error` when the
 * engine is missing, `processing_error` when it fails or the voice is not installed).
 */
export abstract class CommandTtsProvider implements TtsProvider {
  abstract readonly id: string;
  abstract readonly displayName: string;
  readonly kind = 'tts' as const;
  readonly profileType = 'tts' as const;
  readonly capabilities: ProviderCapabilities = {
    heartbeat: 'chunk_count',
    offline: true,
    languages: ENGLISH_LANGUAGES,
  };
  abstract readonly priority: number;
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  protected readonly clock: Clock;
  private readonly voices = onceUntilRejected((signal?: AbortSignal) => this.fetchVoices(signal));

  constructor(protected readonly options: CommandTtsOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** The engine's name, binary and install hint. */
  protected abstract engine(): EngineSpec;
  /** Lists the installed voice names. */
  protected abstract fetchVoices(signal?: AbortSignal): Promise<string[]>;
  /** Maps a requested voice (engine name or portable id) onto an installed voice, or undefined. */
  protected abstract matchVoice(voices: readonly string[], wanted: string): string | undefined;
  /** The voice used when the request names none; undefined when none is installed. */
  protected abstract fallbackVoice(voices: readonly string[]): string | undefined;
  /** The arguments speaking the text file into the WAV file with the voice. */
  protected abstract speakArgs(
    voice: string,
    textPath: string,
    wavPath: string,
    wordsPerMinute?: number,
  ): string[];

  /** Runs the engine's version command with a timeout: healthy with the version, or why not. */
  healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const spec = this.engine();
    return probeEngineHealth(
      signal,
      {
        clock: this.clock,
        timeoutMs: this.options.healthTimeoutMs ?? 20_000,
        name: spec.name,
        missingMessage: `${spec.name} is not installed: ${spec.install}`,
      },
      async (both) => {
        const out = await this.run(spec.versionArgs, both, spec.binary, spec.versionExitCodes);
        const voices = await this.listVoices(both);
        const voice = this.options.defaultVoice
          ? this.matchVoice(voices, this.options.defaultVoice)
          : this.fallbackVoice(voices);
        if (!voice) return { unhealthy: `${spec.name} has no usable voice installed: ${spec.install}` };
        return `${spec.name} ${versionIn(out.stdout)}, voice ${voice}`;
      },
    );
  }

  /** Speaks `request.text` into a WAV at `request.outPath`. */
  async synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult> {
    const { signal, heartbeat } = ctx;
    const spec = this.engine();
    signal.throwIfAborted();
    const text = request.text.trim();
    if (text === '') {
      throw this.invalid(`${spec.name} was asked to speak an empty text; give the scene some narration.`);
    }
    const language = request.language?.trim();
    if (language && !ENGLISH_LANGUAGES.some((l) => sameLanguage(language, l))) {
      throw this.invalid(
        `${spec.name} speaks English only; the language "${language}" was requested. Use espeak-ng or a networked voice for it.`,
      );
    }
    const voice = await this.resolveVoice(request.voice?.trim(), signal);
    const info = await speakInChunks({
      providerId: this.id,
      chunks: splitIntoChunks(text, this.options.maxChunkChars ?? spec.maxChunkChars),
      voiceLabel: `with ${spec.name} voice ${voice}`,
      outPath: request.outPath,
      tempDir: this.options.tempDir,
      signal,
      heartbeat,
      prepareText: (chunk) => `${plainSpeechText(chunk)}\n`,
      speakChunk: (textPath, wavPath) =>
        this.run(
          this.speakArgs(voice, textPath, wavPath, request.wordsPerMinute),
          signal,
          spec.speakBinary ?? spec.binary,
        ),
    });
    if (info.dataBytes === 0) {
      throw new ReelayError(
        'REELAY_ERR_PROVIDER',
        `${spec.name} wrote no audio for the text; check the voice.`,
        {
          provider: this.id,
          stage: 'narration',
          category: 'processing_error',
          retryable: false,
        },
      );
    }
    return chunkedSpeechResult(request.outPath, text, info);
  }

  /** The installed voices (listed once; a failed listing is retried next time). */
  listVoices(signal?: AbortSignal): Promise<string[]> {
    return this.voices(signal);
  }

  /** The installed voice a request would use (validates `wanted` when given). */
  async resolveVoice(wanted: string | undefined, signal?: AbortSignal): Promise<string> {
    const voices = await this.listVoices(signal);
    const asked = wanted || this.options.defaultVoice;
    const voice = asked ? this.matchVoice(voices, asked) : this.fallbackVoice(voices);
    if (voice) return voice;
    const spec = this.engine();
    const installed = voices.length > 0 ? voices.join(', ') : 'none';
    throw this.invalid(
      asked
        ? `${spec.name} has no voice "${asked}"; installed voices: ${installed}. Choose one of them, or another narration provider.`
        : `${spec.name} has no usable voice installed (installed: ${installed}): ${spec.install}.`,
      { voice: asked ?? null, installed: voices },
    );
  }

  /** Runs the engine; a missing binary is a `system_error`, a non-zero exit a `processing_error`. */
  protected run(
    args: string[],
    signal?: AbortSignal,
    binary = this.engine().binary,
    okCodes: readonly number[] = [0],
  ): Promise<ProcessOutcome> {
    const spec = this.engine();
    return runEngine(
      binary,
      args,
      { name: spec.name, providerId: this.id, install: spec.install },
      { signal, clock: this.clock, okCodes },
    );
  }

  private invalid(message: string, details: Record<string, unknown> = {}): ReelayError {
    return new ReelayError('REELAY_ERR_VALIDATION', message, {
      provider: this.id,
      stage: 'narration',
      category: 'processing_error',
      retryable: false,
      details,
    });
  }
}

function sameLanguage(a: string, b: string): boolean {
  const x = a.toLowerCase().replace(/_/g, '-');
  const y = b.toLowerCase();
  return x === y || x.split('-')[0] === y.split('-')[0];
}

/**
 * Typographic punctuation rewritten as ASCII for festival and flite, whose English front ends read
 * text as Latin-1: a curly apostrophe makes them spell a word out letter by letter ("Let’s" comes
 * out as "l t t s"), so it is the single largest cause of misheard words in narration.
 */
export function plainSpeechText(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201B\u2032\u02BC]/g, "'")
    .replace(/[\u201C\u201D\u201F\u2033\u00AB\u00BB]/g, '"')
    .replace(/[\u2013\u2014\u2015]/g, ', ')
    .replace(/\u2026/g, '...')
    .replace(/[\u00A0\u2000-\u200B\u2060]/g, ' ')
    .normalize('NFC');
}
