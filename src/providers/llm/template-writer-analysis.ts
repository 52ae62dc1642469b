import { keyPhrase, subjectOf, titleOf } from './template-writer-phrasing.js';
import {
  inline,
  keywords,
  listOf,
  punctuate,
  shortPhrase,
  splitSentences,
  wordCount,
} from './template-writer-text.js';
import { adaptSentence, CLOSING_REQUEST, closingRequest } from './template-writer-voice.js';

/** One key point of a brief: its key noun phrase, a title, and the brief's own sentences about it. */
export interface KeyPoint {
  /** Key noun phrase in sentence-middle case, e.g. `the Moon’s gravity` or `net metering`. */
  phrase: string;
  /** Scene title, e.g. `The Moon’s Gravity`. */
  title: string;
  /** The brief's statements about it (not instructions), adapted for speech; empty for list items. */
  statements: string[];
}

/** What the template writer reads out of a brief. */
export interface BriefAnalysis {
  /** A title for the video, from the topic. */
  title: string;
  /** The subject of the video without instruction words or audience, e.g. `how ocean tides work`. */
  topic: string;
  /** The audience the brief names (`… for curious teenagers`), when it names one. */
  audience: string | undefined;
  /** Key points in brief order (at least one). */
  points: KeyPoint[];
  /** Sentences the ending must say, from a `Finish by …` / `End with …` request. */
  closing: string[];
  /** True when the brief asks the ending to recap. */
  recap: boolean;
  /** Significant words, most frequent first. */
  keywords: string[];
}

/** Options of {@link analyzeBrief}. */
export interface AnalyzeOptions {
  /** The audience option, stripped from the topic when the brief repeats it. */
  audience?: string;
  /** Adapt statements with contractions. @default false */
  contractions?: boolean;
}

const LEADS: RegExp[] = [
  /^(?:please\s+)?(?:make|create|produce|write|build)\s+(?:me\s+)?(?:a|an)\s+(?:short\s+|quick\s+|brief\s+)?(?:video|explainer|clip|script|piece)\s+(?:about|on|explaining|that explains|showing|covering)\s+/i,
  /^(?:i|we)\s+(?:want|need|would like|'d like|’d like)\s+(?:you\s+)?(?:to\s+)?/i,
  /^(?:this|the)\s+video\s+(?:should\s+|will\s+|must\s+)?(?:explains?|covers?|shows?|describes?|introduces?|is about)\s+/i,
  /^(?:also|then|next|finally|and|please)\s*,?\s+/i,
  /^(?:explain|describe|cover|discuss|show|present|introduce|outline|highlight|mention|include|teach|focus on|talk about|walk (?:them |viewers |people )?through|tell (?:the )?(?:viewers|audience|people) about)\s+/i,
];
const OPENING = /^(?:start|begin|open)\s+(?:\w+\s+){0,2}?(?:with|by)\s+/i;
const STYLE_NOTE =
  /^(?:keep\s+it|make\s+it|use\s+(?:a|an|simple|plain|short)|avoid|don['’]t|do not|aim for|be\s+\w+|no\s+jargon|speak|write)\b/i;
const PEOPLE = new Set(
  (
    'teenagers teens kids children students pupils beginners newcomers novices parents homeowners owners developers ' +
    'engineers programmers designers managers leaders executives founders marketers teachers nurses doctors patients ' +
    'seniors adults families users customers clients buyers viewers readers learners professionals employees staff ' +
    'people folks investors travellers travelers gardeners cooks hobbyists gamers athletes runners drivers voters ' +
    'citizens residents tourists scientists researchers experts audiences everyone anyone newbies retirees freelancers'
  ).split(' '),
);

function isAudience(phrase: string, hint: string | undefined): boolean {
  const p = phrase.trim().toLowerCase();
  if (wordCount(p) > 5) return false;
  if (hint && !/^general/i.test(hint) && p === hint.trim().toLowerCase()) return true;
  const last = p.split(/\s+/).at(-1) ?? '';
  return PEOPLE.has(last) || /^(?:anyone|everyone|people|those)\b/.test(p);
}

/** `how ocean tides work for curious teenagers` → topic `how ocean tides work`, audience `curious teenagers`. */
function stripAudience(text: string, hint: string | undefined): { topic: string; audience?: string } {
  const m = /^(.*\S)\s+(?:for|to)\s+((?:an?\s+|the\s+)?[\p{L}’' -]+)$/u.exec(text.trim());
  if (m?.[1] && m[2] && isAudience(m[2].replace(/^(?:an?|the)\s+/i, ''), hint)) {
    return { topic: m[1], audience: m[2].replace(/^(?:an?|the)\s+/i, '') };
  }
  return { topic: text.trim() };
}

/** `Explain to curious kids how …` → audience `curious kids`, rest `how …`. */
function leadingAudience(sentence: string, hint: string | undefined): { rest: string; audience?: string } {
  const m =
    /^((?:explain|describe|show|teach|tell)\s+)(?:to\s+)?([\p{L}’' -]+?)\s+((?:how|why|what|where|when|which|whether)\b.*)$/iu.exec(
      sentence,
    );
  if (m?.[1] && m[2] && m[3] && isAudience(m[2], hint)) return { rest: m[1] + m[3], audience: m[2] };
  return { rest: sentence };
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

function instructionPoint(phrase: string): KeyPoint {
  const p = inline(phrase.trim());
  return { phrase: p, title: titleOf(p), statements: [] };
}

/**
 * Splits a brief into topic, audience, key points, closing request and keywords; pure and
 * deterministic. The first sentence names the topic (instruction words and a trailing audience
 * removed); each later statement is a key point (a sentence starting `It`, `This`, `They` … joins
 * the point before it); list instructions (`Cover A, B and C`) give one point per item; a closing
 * request (`Finish by …`, `End with …`) becomes what the ending says; style notes are skipped.
 *
 * @example
 * analyzeBrief('Explain how tides work for kids. The Moon pulls the sea. Finish by inviting viewers to visit a beach.');
 * // topic 'how tides work', audience 'kids', one point 'the Moon', closing ['Visit a beach.']
 */
export function analyzeBrief(brief: string, options: AnalyzeOptions = {}): BriefAnalysis {
  const adapt = { contractions: options.contractions ?? false };
  const points: KeyPoint[] = [];
  const closing: string[] = [];
  let recap = false;
  let topic = '';
  let audience: string | undefined;
  for (const sentence of splitSentences(brief)) {
    const bare = sentence.replace(/[.!?]+$/, '').trim();
    const close = CLOSING_REQUEST.exec(bare);
    if (close?.[1] && close[2]) {
      const request = closingRequest(close[1], close[2]);
      closing.push(...request.sentences);
      recap ||= request.recap;
      continue;
    }
    if (OPENING.test(bare) || STYLE_NOTE.test(bare)) continue;
    const lead = leadingAudience(bare, options.audience);
    audience ??= lead.audience;
    const { rest, instruction } = stripLeads(lead.rest);
    const items = instruction ? listItems(rest) : undefined;
    if (!topic) {
      const stripped = stripAudience(rest, options.audience);
      audience ??= stripped.audience;
      topic = instruction
        ? shortPhrase(items ? listOf(items) : stripped.topic, 12)
        : subjectOf(rest) || shortPhrase(rest);
      if (instruction && !items) continue;
    }
    if (items) points.push(...items.map(instructionPoint));
    else if (instruction)
      points.push(instructionPoint(shortPhrase(stripAudience(rest, options.audience).topic, 11)));
    else if (points.length > 0 && /^(?:it|this|that|they|these|so|but)\b/i.test(bare)) {
      points[points.length - 1]?.statements.push(adaptSentence(sentence, adapt));
    } else {
      const phrase = keyPhrase(sentence) ?? inline(shortPhrase(rest, 6));
      points.push({ phrase, title: titleOf(phrase), statements: [adaptSentence(sentence, adapt)] });
    }
  }
  topic = inline(topic || 'this topic');
  if (points.length === 0) points.push(instructionPoint(topic));
  return {
    title: titleOf(topic),
    topic,
    audience,
    points,
    closing: closing.map(punctuate),
    recap,
    keywords: keywords(brief),
  };
}
