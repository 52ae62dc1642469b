/**
 * Word error rate for the voice benchmark: (substitutions + deletions + insertions) / reference
 * words, after both sides are normalised the same way (lower case, punctuation dropped, numbers
 * spelt as spoken, hyphenated words split) so only what was heard counts.
 */

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** A whole number 0–999 999 999 as spoken in US English ("one hundred twenty three"). */
export function spellNumber(n: number): string {
  if (n < 20) return ONES[n] ?? '';
  if (n < 100) return [TENS[Math.floor(n / 10)], n % 10 ? ONES[n % 10] : ''].filter(Boolean).join(' ');
  if (n < 1000) {
    return [`${ONES[Math.floor(n / 100)]} hundred`, n % 100 ? spellNumber(n % 100) : '']
      .filter(Boolean)
      .join(' ');
  }
  for (const [size, word] of [
    [1_000_000, 'million'],
    [1000, 'thousand'],
  ] as const) {
    if (n >= size) {
      const rest = n % size;
      return [`${spellNumber(Math.floor(n / size))} ${word}`, rest ? spellNumber(rest) : '']
        .filter(Boolean)
        .join(' ');
    }
  }
  return String(n);
}

/** Lower-cased words with punctuation removed and numbers spelt out. */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/(\d+)\s*%/g, '$1 percent')
    .replace(/\d+/g, (d) => ` ${spellNumber(Number(d))} `)
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '');
}

/** Edit distance between two word lists (Levenshtein over words). */
export function wordEdits(reference: readonly string[], hypothesis: readonly string[]): number {
  let prev = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const row = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const same = reference[i - 1] === hypothesis[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + same));
    }
    prev = row;
  }
  return prev[hypothesis.length]!;
}

/** Word error rate of `hypothesis` against `reference`, both normalised with {@link normaliseWords}. */
export function wordErrorRate(
  reference: string,
  hypothesis: string,
): { wer: number; edits: number; words: number } {
  const ref = normaliseWords(reference);
  const edits = wordEdits(ref, normaliseWords(hypothesis));
  return { wer: ref.length === 0 ? 0 : edits / ref.length, edits, words: ref.length };
}
