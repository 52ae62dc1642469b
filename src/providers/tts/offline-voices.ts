/**
 * Portable voice ids that every offline engine maps onto its own voices, so one `voiceId` works
 * whichever engine serves: `female` and `male` pick the engine's voice of that kind; a CMU speaker
 * code (`slt`, `rms`, `awb`, `kal`) picks that speaker in festival and flite.
 */
export const PORTABLE_VOICES: Readonly<Record<string, readonly string[]>> = {
  female: ['slt', 'clb'],
  male: ['rms', 'awb', 'kal', 'kal16', 'bdl', 'jmk'],
};

/** Speakers in order of intelligibility, used when no voice is asked for. */
export const PREFERRED_SPEAKERS: readonly string[] = ['slt', 'rms', 'awb', 'kal16', 'kal'];

/** The CMU speaker code in a voice name: `slt` in `cmu_us_slt_arctic_hts`, or the name itself. */
export function speakerOf(name: string): string {
  const lower = name.toLowerCase().replace(/^voice_/, '');
  return /^cmu_us_([a-z0-9]+)_/.exec(lower)?.[1] ?? /^([a-z]+\d*)_diphone$/.exec(lower)?.[1] ?? lower;
}

/**
 * The installed voice answering to `wanted`: the exact name (case-insensitive, `voice_` prefix
 * optional), else a voice of the same speaker, else for `female`/`male` the first installed speaker
 * of that kind. `rank` orders the voices of one speaker (e.g. HTS before diphone).
 */
export function matchOfflineVoice(
  installed: readonly string[],
  wanted: string,
  rank: (voice: string) => number = () => 0,
): string | undefined {
  const key = wanted
    .trim()
    .toLowerCase()
    .replace(/^voice_/, '');
  if (key === '') return undefined;
  const exact = installed.find((v) => v.toLowerCase() === key);
  if (exact) return exact;
  const speakers = PORTABLE_VOICES[key] ?? [speakerOf(key)];
  for (const speaker of speakers) {
    const same = installed.filter((v) => speakerOf(v) === speaker).sort((a, b) => rank(a) - rank(b));
    if (same[0]) return same[0];
  }
  return undefined;
}

/** The voice to use when none is asked for: the best-ranked preferred speaker, else the first installed. */
export function defaultOfflineVoice(
  installed: readonly string[],
  rank: (voice: string) => number = () => 0,
): string | undefined {
  for (const speaker of PREFERRED_SPEAKERS) {
    const found = matchOfflineVoice(installed, speaker, rank);
    if (found) return found;
  }
  return [...installed].sort((a, b) => rank(a) - rank(b))[0];
}
