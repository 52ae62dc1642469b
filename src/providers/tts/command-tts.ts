import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, systemClock } from '../../domain/clock.js';
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
import { type ProcessOutcome, runProcess } from '../media/run-process.js';
import { currentWorkTracker } from '../media/work-tracking.js';
import { splitIntoChunks } from './espeak-voices.js';
import { concatWavs } from './wav.js';

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
  private voices: Promise<string[]> | undefined;

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
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const spec = this.engine();
    const started = this.clock.now();
    const timeout = new AbortController();
    const timeoutMs = this.options.healthTimeoutMs ?? 20_000;
    const timer = this.clock.setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
    const report = (healthy: boolean, message: string): HealthReport => ({
      healthy,
      latencyMs: this.clock.now() - started,
      message,
    });
    try {
      const both = AbortSignal.any([signal, timeout.signal]);
      const out = await this.run(spec.versionArgs, both, spec.binary, spec.versionExitCodes);
      const version = /(\d+\.\d+(?:\.\d+)?)/.exec(out.stdout)?.[1] ?? 'unknown version';
      const voices = await this.listVoices(both);
      const voice = this.options.defaultVoice
        ? this.matchVoice(voices, this.options.defaultVoice)
        : this.fallbackVoice(voices);
      if (!voice) return report(false, `${spec.name} has no usable voice installed: ${spec.install}`);
      return report(true, `${spec.name} ${version}, voice ${voice}`);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.signal.aborted) return report(false, `${spec.name} did not answer within ${timeoutMs} ms`);
      return report(false, error instanceof Error ? error.message : String(error));
    } finally {
      this.clock.clearTimeout(timer);
    }
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
    const chunks = splitIntoChunks(text, this.options.maxChunkChars ?? spec.maxChunkChars);
    heartbeat({
      chunks: 0,
      message: `speaking ${chunks.length} chunk${chunks.length === 1 ? '' : 's'} with ${spec.name} voice ${voice}`,
    });
    const dir = await mkdtemp(join(this.options.tempDir ?? tmpdir(), `reelay-${this.id}-`));
    const tracker = currentWorkTracker();
    tracker?.tempCreated(dir);
    try {
      const wavs: string[] = [];
      for (const [i, chunk] of chunks.entries()) {
        const textPath = join(dir, `chunk-${i}.txt`);
        const wavPath = join(dir, `chunk-${i}.wav`);
        await writeFile(textPath, `${plainSpeechText(chunk)}\n`, 'utf8');
        await this.run(
          this.speakArgs(voice, textPath, wavPath, request.wordsPerMinute),
          signal,
          spec.speakBinary ?? spec.binary,
        );
        wavs.push(wavPath);
        heartbeat({ chunks: i + 1, message: `spoke chunk ${i + 1} of ${chunks.length}` });
      }
      signal.throwIfAborted();
      const info = await concatWavs(wavs, request.outPath);
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
      return {
        path: request.outPath,
        durationMs: info.durationMs,
        format: 'wav',
        usage: { characters: text.length, seconds: info.durationMs / 1000 },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
      tracker?.tempSettled(dir);
    }
  }

  /** The installed voices (listed once; a failed listing is retried next time). */
  listVoices(signal?: AbortSignal): Promise<string[]> {
    if (!this.voices) {
      const pending = this.fetchVoices(signal);
      this.voices = pending;
      pending.catch(() => {
        if (this.voices === pending) this.voices = undefined;
      });
    }
    return this.voices;
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
  protected async run(
    args: string[],
    signal?: AbortSignal,
    binary = this.engine().binary,
    okCodes: readonly number[] = [0],
  ): Promise<ProcessOutcome> {
    const spec = this.engine();
    let out: ProcessOutcome;
    try {
      out = await runProcess(binary, args, { signal, collectStdout: true, clock: this.clock });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if ((error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
        throw new ReelayError(
          'REELAY_ERR_PROVIDER',
          `${spec.name} is not installed (no "${binary}" on PATH): ${spec.install}.`,
          { cause: error, provider: this.id, stage: 'narration', category: 'system_error', retryable: false },
        );
      }
      throw error;
    }
    if (out.exitCode === null || !okCodes.includes(out.exitCode)) {
      const tail = out.stderrTail.slice(-4).join(' | ') || 'no error output';
      throw new ReelayError(
        'REELAY_ERR_PROVIDER',
        `${spec.name} exited with code ${out.exitCode}: ${tail}. Check the voice and the text, or use another narration provider.`,
        {
          provider: this.id,
          stage: 'narration',
          category: 'processing_error',
          retryable: false,
          details: { exitCode: out.exitCode, stderrTail: out.stderrTail.slice(-4) },
        },
      );
    }
    return out;
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
