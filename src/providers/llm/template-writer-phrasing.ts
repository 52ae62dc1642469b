import {
  capitalize,
  inline,
  listOf,
  STOPWORDS,
  shortPhrase,
  titleCase,
  wordCount,
} from './template-writer-text.js';

const VERB = new RegExp(
  '\\s(?:is|are|was|were|can|could|will|would|has|have|had|do|does|did|should|must|may|might|' +
    '(?:make|help|need|use|let|turn|take|give|come|go|become|cause|create|pull|push|happen|occur|mean|show|' +
    'work|depend|affect|produce|convert|change|move|grow|keep|bring|get|matter|rise|fall|follow|provide|' +
    'reduce|increase|improve|save|cost|allow|require|include|contain|offer|run|store|lead|drive|form|' +
    'protect|explain|power|feed|build|add|cut|hold|play|pass|see|travel|flow|spin|orbit|heat|cool|' +
    'absorb|reflect|release|send|carry|turn|last|stay|live|eat|need|want|feel|look|sit|stand|lie)(?:s|es)?)\\b',
  'i',
);

/** A leading subordinate clause (`As the Earth turns, …`), dropped before looking for a subject. */
const SUBORDINATE =
  /^(?:as|when|while|if|because|since|although|though|once|after|before|whenever|unless|until)\b[^,]{1,80},\s*/i;
/** Connectives and lead-ins that are not part of a subject. */
const LEAD_IN =
  /^(?:(?:and|but|so|then|also|thus|now|that['’]s because|that is because|this is because)\s+)+/i;
/** Subjects that name nothing: pronouns and quantifiers. */
const EMPTY_SUBJECT =
  /^(?:it|they|this|that|these|those|he|she|we|you|i|there|here|every|each|most|some|all|many|few|both|no|any|one|such|as|when|while|if|because|since|although|though|once|after|before|whenever|unless|until|how|why|what|where|which|who)\b/i;
const COUNT =
  /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twice|once|\d+)\s+(?:[\p{L}-]+\s+){0,2}?(?:a|per|each|every)\s+(?:day|night|week|month|year|hour|minute|second|decade|century)\b/iu;
/** Adjectives that judge rather than name; `strong spring tides` is about spring tides. */
const EVALUATIVE = new Set(
  'strong weak big small large high low good bad great new old other same different first main key important own real whole full'.split(
    ' ',
  ),
);

/** The leading noun phrase of a statement (the words before its first verb); '' when unclear. */
export function subjectOf(statement: string): string {
  const match = VERB.exec(statement);
  const head = match ? statement.slice(0, match.index).trim() : '';
  const n = wordCount(head);
  return n >= 1 && n <= 5 && !/[,;:]/.test(head) ? head : '';
}

/** `strong spring tides … weak neap tides` → `spring and neap tides`: two kinds of one thing. */
function contrastPair(sentence: string): string | undefined {
  const words = sentence.match(/[\p{L}][\p{L}’'-]*/gu) ?? [];
  const kinds = new Map<string, string[]>();
  for (let i = 1; i < words.length; i++) {
    const head = words[i] as string;
    const mod = words[i - 1] as string;
    const h = head.toLowerCase();
    const m = mod.toLowerCase();
    if (h.length < 3 || m.length < 3 || STOPWORDS.has(h) || STOPWORDS.has(m) || EVALUATIVE.has(m)) continue;
    if (/ly$/.test(m) || /(?:ly|ed)$/.test(h)) continue;
    const list = kinds.get(h) ?? [];
    if (!list.some((x) => x.toLowerCase() === m)) list.push(mod);
    kinds.set(h, list);
    if (list.length === 2) return `${list[0]} and ${list[1]} ${head}`;
  }
  return undefined;
}

/**
 * The key noun phrase of one of the brief's statements, for titles and recaps, in sentence-middle
 * case, the first of: two kinds of one thing (`spring and neap tides`), the subject of the main
 * clause (`the Moon’s gravity`, `A second bulge` → `the second bulge`; not a pronoun or `every …`),
 * a frequency (`two high tides a day`), the statement's first words (unless `strict`). `undefined` when none is found.
 */
export function keyPhrase(statement: string, strict = false): string | undefined {
  const bare = statement
    .replace(/[.!?]+$/, '')
    .replace(LEAD_IN, '')
    .trim();
  if (bare === '') return undefined;
  const pair = contrastPair(bare);
  if (pair) return inline(pair);
  const main = bare.replace(SUBORDINATE, '').replace(LEAD_IN, '');
  const subject = subjectOf(main);
  if (subject && !EMPTY_SUBJECT.test(subject)) return inline(subject.replace(/^(?:a|an)\s+/i, 'the '));
  const count = COUNT.exec(bare);
  if (count) return inline(count[0]);
  const phrase = shortPhrase(main, 5);
  return phrase === '' || strict ? undefined : inline(phrase);
}

/** A scene title from a key phrase, at most `max` characters. */
export function titleOf(phrase: string): string {
  return titleCase(capitalize(phrase.trim()));
}

/**
 * One title for several points in a scene: `A and B`, `A, B and C`, or `From A to C` when the
 * titles have an `and` of their own or the list is too long.
 */
export function joinTitles(titles: readonly string[], max = 80): string {
  const distinct = titles.filter(
    (t, i) => titles.findIndex((u) => u.toLowerCase() === t.toLowerCase()) === i,
  );
  if (distinct.length <= 1) return distinct[0] ?? '';
  const lower = distinct.map((t, i) => (i === 0 ? t : t.replace(/^(?:The|A|An)\b/, (a) => a.toLowerCase())));
  const list = listOf(lower);
  if (!distinct.some((t) => / and /i.test(t)) && list.length <= max) return list;
  const span = `From ${lower[0]?.replace(/^(?:The|A|An)\b/, (a) => a.toLowerCase())} to ${lower.at(-1)}`;
  return span.length <= max ? span : (distinct[0] ?? '');
}

/** True when a topic reads as an indirect question (`how tides work`), so it fits `Ever wondered …?`. */
export function isQuestionTopic(topic: string): boolean {
  return /^(?:how|why|what|where|when|who|which|whether)\b/i.test(topic);
}
