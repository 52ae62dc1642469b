/** Words too common to name a subject or a keyword. */
export const STOPWORDS = new Set(
  (
    'a an the and or but of in on for to with into at by from as is are was were be been being it its this that ' +
    'these those there their they them we our you your i me my he she his her not no do does did how what why when ' +
    'where which who whom will would can could should may might must also just than then very more most some any ' +
    'each every about over under after before between through during make makes made video explain explains cover ' +
    'show shows describe include mention short keep get gets like using use used one two three want need'
  ).split(' '),
);

const SMALL_WORDS = new Set('a an the and or but of in on for to with into at by from as vs via'.split(' '));

/** FNV-1a 32-bit hash: a stable, dependency-free seed for deterministic choices. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Counts whitespace-separated words. */
export function wordCount(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

/** Upper-cases the first letter. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Title Case with small words lower-case (except first); words with inner capitals kept. */
export function titleCase(text: string): string {
  return text
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w, i) =>
      i > 0 && SMALL_WORDS.has(w.toLowerCase())
        ? w.toLowerCase()
        : /[A-Z]/.test(w.slice(1))
          ? w
          : w
              .split('-')
              .map((part) => capitalize(part))
              .join('-'),
    )
    .join(' ');
}

/** Cuts `text` to at most `max` characters at a word boundary (adds nothing). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : text.slice(0, max)).replace(/[\s,;:–-]+$/, '');
}

/** Lower-cases the first letter for use mid-sentence, unless the first word looks like a name. */
export function inline(phrase: string): string {
  const first = phrase.split(/\s+/)[0] ?? '';
  return /[A-Z]/.test(first.slice(1)) || first === 'I'
    ? phrase
    : phrase.charAt(0).toLowerCase() + phrase.slice(1);
}

/** Joins phrases as `a, b and c`. */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
export function punctuate(sentence: string): string {
  const s = sentence.trim().replace(/[,;:]+$/, '');
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

/** Splits text into sentences (at sentence punctuation and line breaks), without list bullets. */
export function splitSentences(text: string): string[] {
  return text
    .replace(/\r/g, '')
    .split(/\n+|(?<=[.!?])\s+/)
    .map((s) =>
      s
        .replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

/** The first clause of `text`, cut to at most `maxWords` words without a trailing small word. */
export function shortPhrase(text: string, maxWords = 9): string {
  const clause = (text.split(/[,;:(]|\s[–-]\s/)[0] ?? text).trim();
  const words = clause.split(/\s+/);
  if (words.length <= maxWords) return clause;
  const cut = words.slice(0, maxWords - 1);
  while (cut.length > 1 && STOPWORDS.has((cut[cut.length - 1] ?? '').toLowerCase())) cut.pop();
  return cut.join(' ');
}

/** Significant words of a text, most frequent first (ties in order of first use). */
export function keywords(text: string): string[] {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().match(/[\p{L}][\p{L}\p{N}'’-]*/gu) ?? []) {
    if (word.length < 4 || STOPWORDS.has(word) || /(?:ed|ly)$/.test(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  // Map preserves first-occurrence order; a stable sort keeps it for ties.
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
}
