/** One voice of `espeak-ng --voices`. */
export interface EspeakVoice {
  /** Language code used with `-v`, e.g. `en-us`. */
  language: string;
  /** Voice name, e.g. `English_(America)`. */
  name: string;
  /** Voice file, e.g. `gmw/en-US`. */
  file: string;
  /** Other language codes the voice answers to, e.g. `zh` for `cmn`. */
  aliases: string[];
}

/**
 * Parses the table printed by `espeak-ng --voices`
 * (`Pty Language Age/Gender VoiceName File Other Languages`).
 */
export function parseVoiceList(output: string): EspeakVoice[] {
  const voices: EspeakVoice[] = [];
  for (const line of output.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || !/^\d+$/.test(cols[0] ?? '')) continue;
    const aliases = [
      ...(cols
        .slice(5)
        .join(' ')
        .matchAll(/\(([^\s)]+)\s+\d+\)/g) ?? []),
    ].map((m) => (m[1] ?? '').toLowerCase());
    voices.push({
      language: (cols[1] ?? '').toLowerCase(),
      name: cols[3] ?? '',
      file: cols[4] ?? '',
      aliases,
    });
  }
  return voices;
}

/** Language names (lower-case) → espeak-ng voice codes. Unlisted names may still be codes. */
export const LANGUAGE_VOICES: Readonly<Record<string, string>> = {
  english: 'en-us',
  'american english': 'en-us',
  'british english': 'en-gb',
  spanish: 'es',
  'latin american spanish': 'es-419',
  french: 'fr-fr',
  german: 'de',
  italian: 'it',
  portuguese: 'pt',
  'brazilian portuguese': 'pt-br',
  dutch: 'nl',
  polish: 'pl',
  russian: 'ru',
  ukrainian: 'uk',
  japanese: 'ja',
  chinese: 'cmn',
  mandarin: 'cmn',
  cantonese: 'yue',
  korean: 'ko',
  hindi: 'hi',
  arabic: 'ar',
  turkish: 'tr',
  swedish: 'sv',
  norwegian: 'nb',
  danish: 'da',
  finnish: 'fi',
  greek: 'el',
  czech: 'cs',
  hungarian: 'hu',
  romanian: 'ro',
  vietnamese: 'vi',
  indonesian: 'id',
  hebrew: 'he',
  persian: 'fa',
  catalan: 'ca',
  welsh: 'cy',
};

/** True when `voice` (a code, name or file; an optional `+variant` is ignored) is installed. */
export function hasVoice(voices: readonly EspeakVoice[], voice: string): boolean {
  const base = (voice.split('+')[0] ?? '').toLowerCase();
  return voices.some(
    (v) =>
      v.language === base ||
      v.name.toLowerCase() === base ||
      v.file.toLowerCase() === base ||
      v.aliases.includes(base),
  );
}

/**
 * The espeak-ng voice for a language given as a name (`English`, `French`) or a BCP 47 tag
 * (`en-GB`, `pt-BR`, `de`): the mapped code when installed, else the tag itself, else its
 * primary subtag; `undefined` when none is installed.
 */
export function voiceForLanguage(voices: readonly EspeakVoice[], language: string): string | undefined {
  const key = language.trim().toLowerCase().replace(/_/g, '-');
  const candidates = [LANGUAGE_VOICES[key], key, key.split('-')[0]].filter((c): c is string => !!c);
  const mappedPrimary = LANGUAGE_VOICES[key.split(/[\s-]/)[0] ?? ''];
  if (mappedPrimary) candidates.push(mappedPrimary);
  return candidates.find((c) => hasVoice(voices, c));
}

/** A few installed voices to suggest: those sharing the first letters of `wanted`, then common ones. */
export function suggestVoices(voices: readonly EspeakVoice[], wanted: string, count = 6): string[] {
  const prefix = wanted.toLowerCase().slice(0, 2);
  const near = voices.filter((v) => v.language.startsWith(prefix)).map((v) => v.language);
  const common = ['en-us', 'en-gb', 'fr-fr', 'de', 'es', 'it'].filter((c) => hasVoice(voices, c));
  return [...new Set([...near, ...common])].slice(0, count);
}

/**
 * Splits text into chunks of whole sentences of at most `maxChars` (a longer sentence is split
 * at word boundaries), so each espeak-ng call is short and progress can be reported per chunk.
 */
export function splitIntoChunks(text: string, maxChars = 400): string[] {
  const sentences = text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?…;:])\s+/)
    .filter((s) => s !== '');
  const pieces: string[] = [];
  for (const sentence of sentences) {
    if (sentence.length <= maxChars) {
      pieces.push(sentence);
      continue;
    }
    let current = '';
    for (const word of sentence.split(' ')) {
      if (current && current.length + 1 + word.length > maxChars) {
        pieces.push(current);
        current = '';
      }
      current = current ? `${current} ${word}` : word;
    }
    if (current) pieces.push(current);
  }
  const chunks: string[] = [];
  for (const piece of pieces) {
    const last = chunks[chunks.length - 1];
    if (last !== undefined && last.length + 1 + piece.length <= maxChars)
      chunks[chunks.length - 1] = `${last} ${piece}`;
    else chunks.push(piece);
  }
  return chunks;
}
