import { type CommandTtsOptions, CommandTtsProvider, type EngineSpec } from './command-tts.js';
import { defaultOfflineVoice, matchOfflineVoice } from './offline-voices.js';

/** Options of {@link FliteProvider}. */
export interface FliteOptions extends CommandTtsOptions {
  /** The flite executable. @default 'flite' */
  binary?: string;
}

/** Debian package of flite (its voices are built in). */
export const FLITE_INSTALL = 'apt-get install flite';

/** flite's voices speak at about this many words per minute with no stretch. */
const FLITE_NATIVE_WPM = 150;

/**
 * Offline narration with CMU flite: small and fast, clearer than espeak-ng, less clear than
 * festival's HTS voice. Each chunk is one `flite -voice <v> -f <text> -o <wav>` run; voices come
 * from `flite -lv`. `voice` may be a flite voice (`slt`, `rms`, `awb`, `kal16`) or a portable id
 * (`female`, `male`, or a festival name of the same speaker). `wordsPerMinute` maps onto flite's
 * `duration_stretch`. English only.
 *
 * @example
 * const tts = new FliteProvider({ defaultVoice: 'slt' });
 */
export class FliteProvider extends CommandTtsProvider {
  readonly id = 'flite';
  readonly displayName = 'flite';
  // Between festival (3) and espeak-ng (4): the order of the voice benchmark's word error rates.
  readonly priority = 3.5;

  constructor(private readonly flite: FliteOptions = {}) {
    super(flite);
  }

  protected engine(): EngineSpec {
    return {
      name: 'flite',
      binary: this.flite.binary ?? 'flite',
      versionArgs: ['--version'],
      versionExitCodes: [0, 1],
      install: FLITE_INSTALL,
      maxChunkChars: 600,
    };
  }

  protected async fetchVoices(signal?: AbortSignal): Promise<string[]> {
    const out = await this.run(['-lv'], signal);
    return parseFliteVoices(out.stdout);
  }

  protected matchVoice(voices: readonly string[], wanted: string): string | undefined {
    return matchOfflineVoice(voices, wanted);
  }

  protected fallbackVoice(voices: readonly string[]): string | undefined {
    return defaultOfflineVoice(voices);
  }

  protected speakArgs(voice: string, textPath: string, wavPath: string, wordsPerMinute?: number): string[] {
    const args = ['-voice', voice, '-f', textPath, '-o', wavPath];
    if (wordsPerMinute !== undefined && wordsPerMinute > 0) {
      const stretch = Math.min(2, Math.max(0.5, FLITE_NATIVE_WPM / wordsPerMinute));
      args.push('--setf', `duration_stretch=${stretch.toFixed(3)}`);
    }
    return args;
  }
}

/** Parses `flite -lv` (`Voices available: kal awb_time kal16 awb rms slt`); `awb_time` only speaks times. */
export function parseFliteVoices(output: string): string[] {
  const list = /Voices available:(.*)/.exec(output)?.[1] ?? '';
  return list
    .trim()
    .split(/\s+/)
    .filter((v) => v !== '' && v !== 'awb_time');
}
