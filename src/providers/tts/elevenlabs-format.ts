import { ReelayError } from '../../domain/errors.js';

/** What an ElevenLabs `output_format` produces. */
export type ElevenLabsAudio =
  | { container: 'pcm'; sampleRate: number }
  | { container: 'mp3'; sampleRate: number; kbps: number };

/**
 * Reads an ElevenLabs `output_format` (`codec_samplerate[_bitrate]`): `pcm_22050` → raw 16-bit
 * mono PCM (written as WAV), `mp3_44100_128` → MP3 (written as is).
 */
export function parseElevenLabsFormat(format: string): ElevenLabsAudio {
  const [codec, rate, kbps] = format.split('_');
  const sampleRate = Number(rate);
  if (codec === 'pcm' && Number.isInteger(sampleRate) && sampleRate > 0)
    return { container: 'pcm', sampleRate };
  if (codec === 'mp3' && Number.isInteger(sampleRate) && Number(kbps) > 0) {
    return { container: 'mp3', sampleRate, kbps: Number(kbps) };
  }
  throw new ReelayError(
    'REELAY_ERR_CONFIG',
    `ElevenLabs output format "${format}" is not supported by Reelay: use pcm_<rate> (e.g. pcm_22050) or mp3_<rate>_<kbps> (e.g. mp3_44100_128).`,
    { details: { outputFormat: format } },
  );
}
