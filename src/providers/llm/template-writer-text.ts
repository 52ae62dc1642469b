/** One key point of a brief: a short phrase and the brief's own sentences about it. */
export interface KeyPoint {
  /** Short phrase for titles, e.g. `net metering` or `Solar panels last decades`. */
  phrase: string;
  /** Noun phrase for template sentences, e.g. `net metering` or `solar panels`; '' when none was found. */
  subject: string;
  /** Statements from the brief (not instructions) to speak as they are. */
  statements: string[];
}

/** What the template writer reads out of a brief. */
export interface BriefAnalysis {
  /** A title for the video, from the brief's first sentence. */
  title: string;
  /** The subject of the video, e.g. `how solar panels convert sunlight into electricity`. */
  topic: string;
  /** Key points in brief order (at least one: the topic). */
  points: KeyPoint[];
  /** What the brief asks the ending to contain (`End with …`). */
  closing: string[];
  /** Significant words, most frequent first. */
  keywords: string[];
}

const STOPWORDS = new Set(
  (
    'a an the and or but of in on for to with into at by from as is are was were be been being it its this that ' +
    'these those there their they them we our you your i me my he she his her not no do does did how what why when ' +
    'where which who whom will would can could should may might must also just than then very more most some any ' +
    'each every about over under after before between through during make makes made video explain explains cover ' +
    'show shows describe include mention short keep get gets like using use used one two three want need'
  ).split(' '),
);

const SMALL_WORDS = new Set('a an the and or but of in on for to with into at by from as vs via'.split(' '));

const LEADS: RegExp[] = [
  /^(?:please\s+)?(?:make|create|produce|write|build)\s+(?:me\s+)?(?:a|an)\s+(?:short\s+|quick\s+|brief\s+)?(?:video|explainer|clip|script|piece)\s+(?:about|on|explaining|that explains|showing|covering)\s+/i,
  /^(?:i|we)\s+(?:want|need|would like|'d like)\s+(?:you\s+)?(?:to\s+)?/i,
  /^(?:this|the)\s+video\s+(?:should\s+|will\s+|must\s+)?(?:explains?|covers?|shows?|describes?|introduces?|is about)\s+/i,
  /^(?:also|then|next|finally|and|please)\s*,?\s+/i,
  /^(?:explain|describe|cover|discuss|show|present|introduce|outline|highlight|mention|include|teach|focus on|talk about|walk (?:them |viewers |people )?through|tell (?:the )?(?:viewers|audience|people) about)\s+/i,
];
const CLOSING = /^(?:end|close|finish|conclude|wrap(?:\s+it)?\s+up)\s+(?:\w+\s+){0,2}?with\s+/i;
const OPENING = /^(?:start|begin|open)\s+(?:\w+\s+){0,2}?with\s+/i;

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
          : capitalize(w),
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

function splitSentences(brief: string): string[] {
  return brief
    .replace(/\r/g, '')
    .split(/\n+|(?<=[.!?])\s+/)
    .map((s) => s.replace(/^\s*(?:[-*•]|\d+[.)])\s+/, '').trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function stripLeads(sentence: string): { rest: string; instruction: boolean } {
  let rest = sentence;
  let instruction = false;
  for (let changed = true; changed; ) {
    changed = false;
    for (const lead of LEADS) {
      const next = rest.replace(lead, '');
      if (next !== rest && next.trim() !== '') {
        rest = next;
        instruction = true;
        changed = true;
      }
    }
  }
  return { rest, instruction };
}

function shortPhrase(text: string, maxWords = 9): string {
  const clause = (text.split(/[,;:(]|\s[–-]\s/)[0] ?? text).trim();
  const words = clause.split(/\s+/);
  if (words.length <= maxWords) return clause;
  const cut = words.slice(0, maxWords - 1);
  while (cut.length > 1 && STOPWORDS.has((cut[cut.length - 1] ?? '').toLowerCase())) cut.pop();
  return cut.join(' ');
}

const VERB = new RegExp(
  '\\s(?:is|are|was|were|can|could|will|would|has|have|had|do|does|did|should|must|may|might|' +
    '(?:make|help|need|use|let|turn|take|give|come|go|become|cause|create|pull|push|happen|occur|mean|show|' +
    'work|depend|affect|produce|convert|change|move|grow|keep|bring|get|matter|rise|fall|follow|provide|' +
    'reduce|increase|improve|save|cost|allow|require|include|contain|offer|run|store|lead|drive|form|' +
    'protect|explain|power|feed|build|add|cut|hold|help|play)(?:s|es)?)\\b',
  'i',
);

/** The leading noun phrase of a statement (the words before its first verb); '' when unclear. */
function subjectOf(statement: string): string {
  const match = VERB.exec(statement);
  const head = match ? statement.slice(0, match.index).trim() : '';
  const n = wordCount(head);
  return n >= 1 && n <= 5 ? head : '';
}

function listItems(rest: string): string[] | undefined {
  if (!rest.includes(',')) return undefined;
  const parts = rest.split(/\s*,\s*/);
  const last = parts.pop() ?? '';
  const tail = last.split(/^(?:and|or)\s+|\s+(?:and|or)\s+/).filter((p) => p.trim() !== '');
  const items = [...parts, ...tail]
    .map((p) => p.replace(/^(?:and|or)\s+/, '').trim())
    .filter((p) => p !== '');
  return items.length >= 2 && items.every((p) => wordCount(p) <= 6) ? items : undefined;
}

/** Splits a brief into topic, key points, closing requests and keywords; pure and deterministic. */
export function analyzeBrief(brief: string): BriefAnalysis {
  const points: KeyPoint[] = [];
  const closing: string[] = [];
  let topic = '';
  let title = '';
  for (const raw of splitSentences(brief)) {
    const sentence = raw.replace(/\s+/g, ' ');
    const bare = sentence.replace(/[.!?]+$/, '').trim();
    if (CLOSING.test(bare)) {
      closing.push(bare.replace(CLOSING, ''));
      continue;
    }
    const opening = OPENING.test(bare);
    const { rest, instruction } = stripLeads(bare.replace(OPENING, ''));
    const items = instruction ? listItems(rest) : undefined;
    if (!topic) {
      topic = instruction ? shortPhrase(items ? listOf(items) : rest) : subjectOf(rest) || shortPhrase(rest);
      title = shortPhrase(items ? listOf(items) : rest, 12);
    }
    if (opening) continue;
    if (items) for (const item of items) points.push({ phrase: item, subject: item, statements: [] });
    else if (!instruction && points.length > 0 && /^(?:it|this|that|they|these|so|but)\b/i.test(bare)) {
      points[points.length - 1]?.statements.push(sentence);
    } else {
      const phrase = shortPhrase(rest, 11);
      const subject = instruction ? phrase : subjectOf(rest);
      points.push({ phrase, subject, statements: instruction ? [] : [punctuate(sentence)] });
    }
  }
  if (!topic) topic = 'this topic';
  if (points.length === 0) points.push({ phrase: topic, subject: topic, statements: [] });
  return { title: title || topic, topic, points, closing, keywords: keywords(brief) };
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
export function punctuate(sentence: string): string {
  const s = sentence.trim();
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

function keywords(brief: string): string[] {
  const counts = new Map<string, number>();
  for (const word of brief.toLowerCase().match(/[\p{L}][\p{L}\p{N}'-]*/gu) ?? []) {
    if (word.length < 4 || STOPWORDS.has(word) || /(?:ed|ly)$/.test(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  // Map preserves first-occurrence order; a stable sort keeps it for ties.
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
}
