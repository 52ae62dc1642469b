import { ReelayError } from '../../domain/errors.js';
import { type CommandTtsOptions, CommandTtsProvider, type EngineSpec } from './command-tts.js';
import { defaultOfflineVoice, matchOfflineVoice } from './offline-voices.js';

/** Options of {@link FestivalProvider}. */
export interface FestivalOptions extends CommandTtsOptions {
  /** The festival executable (version and voice list). @default 'festival' */
  binary?: string;
  /** The festival script that writes WAV files. @default 'text2wave' */
  text2wave?: string;
}

/**
 * The HTS voice's own pace at hts_engine rate 1, in words per minute (measured on the voice
 * benchmark's texts: 179–184). Requests at 150 words per minute therefore run at rate ≈ 0.83,
 * which is also clearer: the demo narration's word error rate drops from 0.32 to about 0.28.
 */
export const FESTIVAL_NATIVE_WPM = 180;

/** hts_engine's speech-speed rate for a wanted pace (1 = the voice's own pace), clamped to 0.5–2. */
export function festivalSpeedRate(wordsPerMinute: number): number {
  return Math.min(2, Math.max(0.5, wordsPerMinute / FESTIVAL_NATIVE_WPM));
}

/** Debian packages of festival and its most intelligible English voice. */
export const FESTIVAL_INSTALL = 'apt-get install festival festvox-us-slt-hts';

/**
 * Offline narration with the Festival Speech Synthesis System. With the HTS voice
 * `cmu_us_slt_arctic_hts` (Debian `festvox-us-slt-hts`) it is the most intelligible offline voice
 * Reelay knows (see the voice benchmark in the README), so it ranks first among offline voices.
 * Each chunk is one `text2wave` run; voices come from festival's `(voice.list)`. `voice` may be an
 * installed festival voice (`cmu_us_slt_arctic_hts`, `voice_` prefix optional) or a portable id
 * (`slt`, `female`, `male`). With an HTS voice `wordsPerMinute` sets hts_engine's speed rate
 * (the voice's own pace is about 180 words per minute, see {@link FESTIVAL_NATIVE_WPM}); other voices keep their pace. English only.
 *
 * @example
 * const tts = new FestivalProvider();
 * const { durationMs } = await tts.synthesize({ text: 'Hello there.', outPath: '/w/s1.wav' }, ctx);
 */
export class FestivalProvider extends CommandTtsProvider {
  readonly id = 'festival';
  readonly displayName = 'Festival (HTS)';
  readonly priority = 3;

  constructor(private readonly festival: FestivalOptions = {}) {
    super(festival);
  }

  protected engine(): EngineSpec {
    return {
      name: 'festival',
      binary: this.festival.binary ?? 'festival',
      speakBinary: this.festival.text2wave ?? 'text2wave',
      versionArgs: ['--version'],
      install: FESTIVAL_INSTALL,
      // One text2wave run costs a festival start-up (~0.3 s of CPU): keep runs few.
      maxChunkChars: 1200,
    };
  }

  protected async fetchVoices(signal?: AbortSignal): Promise<string[]> {
    const out = await this.run(['-b', '(print (voice.list))'], signal);
    return parseFestivalVoices(out.stdout);
  }

  protected matchVoice(voices: readonly string[], wanted: string): string | undefined {
    return matchOfflineVoice(voices, wanted, festivalRank);
  }

  protected fallbackVoice(voices: readonly string[]): string | undefined {
    return defaultOfflineVoice(voices, festivalRank);
  }

  protected speakArgs(voice: string, textPath: string, wavPath: string, wordsPerMinute?: number): string[] {
    if (!/^[a-z0-9_]+$/i.test(voice)) {
      // Voice names come from festival's own list; anything else would be Scheme code.
      throw new ReelayError('REELAY_ERR_VALIDATION', `"${voice}" is not a festival voice name.`, {
        provider: this.id,
        stage: 'narration',
        category: 'processing_error',
        retryable: false,
      });
    }
    const args = ['-eval', `(voice_${voice})`];
    if (wordsPerMinute !== undefined && wordsPerMinute > 0 && voice.endsWith('_hts')) {
      const rate = festivalSpeedRate(wordsPerMinute);
      args.push(
        '-eval',
        `(set! hts_engine_params (append hts_engine_params (list (list "-r" ${rate.toFixed(3)}))))`,
      );
    }
    return [...args, textPath, '-o', wavPath];
  }
}

/** Parses festival's `(print (voice.list))` output, e.g. `(cmu_us_slt_arctic_hts kal_diphone)`. */
export function parseFestivalVoices(output: string): string[] {
  const list = /\(([^()]*)\)/.exec(output)?.[1] ?? '';
  return list.split(/\s+/).filter((v) => /^[a-z0-9_]+$/i.test(v));
}

/** HTS voices sound far clearer than the diphone and clunits ones: rank them first. */
function festivalRank(voice: string): number {
  if (voice.endsWith('_hts')) return 0;
  if (voice.includes('_clunits')) return 1;
  return 2;
}
