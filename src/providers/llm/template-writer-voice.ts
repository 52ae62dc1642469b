import { capitalize, punctuate, wordCount } from './template-writer-text.js';

const CONTRACTIONS: ReadonlyArray<[RegExp, string]> = [
  [/\b(i)t is\b/gi, '$1t’s'],
  [/\b(t)hat is\b/gi, '$1hat’s'],
  [/\b(t)here is\b/gi, '$1here’s'],
  [/\b(h)ere is\b/gi, '$1ere’s'],
  [/\b(w)hat is\b/gi, '$1hat’s'],
  [/\b(t)hey are\b/gi, '$1hey’re'],
  [/\b(y)ou are\b/gi, '$1ou’re'],
  [/\b(w)e are\b/gi, '$1e’re'],
  [/\b(d)o not\b/gi, '$1on’t'],
  [/\b(d)oes not\b/gi, '$1oesn’t'],
  [/\b(d)id not\b/gi, '$1idn’t'],
  [/\b(i)s not\b/gi, '$1sn’t'],
  [/\b(a)re not\b/gi, '$1ren’t'],
  [/\b(w)as not\b/gi, '$1asn’t'],
  [/\b(c)an ?not\b/gi, '$1an’t'],
  [/\b(w)ill not\b/gi, '$1on’t'],
  [/\b(w)ould not\b/gi, '$1ouldn’t'],
  [/\b(s)hould not\b/gi, '$1houldn’t'],
  [/\b(y)ou will\b/gi, '$1ou’ll'],
  [/\b(l)et us\b/gi, '$1et’s'],
];

/** Options of {@link adaptSentence}. */
export interface AdaptOptions {
  /** Use contractions (`it's`, `don't`). @default false */
  contractions?: boolean;
}

/**
 * Adapts one of the brief's sentences for speech, lightly: a generic `we` who perceives
 * (`we get`, `we see`) becomes `you`, contractions when asked, normalised spacing and a full stop.
 * Facts, names and numbers are never changed.
 */
export function adaptSentence(sentence: string, options: AdaptOptions = {}): string {
  let s = sentence.replace(/\s+/g, ' ').trim();
  s = s.replace(
    /\b([Ww])e((?:\s+(?:can|will|would|might|may|could|often|usually|also|then))?\s+(?:get|see|feel|notice|observe|experience|find|hear)\b)/g,
    (_m, w: string, rest: string) => `${w === 'W' ? 'Y' : 'y'}ou${rest}`,
  );
  if (options.contractions) {
    // Only mid-sentence: "Yes, they are." cannot contract.
    for (const [pattern, replacement] of CONTRACTIONS) {
      s = s.replace(new RegExp(`${pattern.source}(?=\\s+[\\p{L}\\p{N}])`, 'giu'), replacement);
    }
  }
  return punctuate(capitalize(s));
}

/** The boundaries a long sentence may be split at, with how the second half starts. */
const BOUNDARIES: ReadonlyArray<{ at: RegExp; lead: (contractions: boolean) => string }> = [
  { at: /\s*[:;]\s+/g, lead: () => '' },
  { at: /,\s+so\s+/g, lead: () => 'So ' },
  { at: /,?\s+because\s+/g, lead: (c) => (c ? 'That’s because ' : 'That is because ') },
  { at: /,\s+(?=and\s+|but\s+)/g, lead: () => '' },
  { at: /,\s+(?=which\s+)/g, lead: () => 'This ' },
];

/**
 * Splits a long sentence into two spoken sentences at a clause boundary (`:`, `;`, `, so`,
 * `because`, `, and`, `, but`), as near the middle as possible; both halves keep at least
 * `minWords` words. `undefined` when no boundary qualifies.
 */
export function splitSentence(
  sentence: string,
  contractions = false,
  minWords = 5,
): [string, string] | undefined {
  const s = sentence.trim().replace(/[.!?]+$/, '');
  const total = wordCount(s);
  let best: { first: string; second: string; balance: number } | undefined;
  for (const { at, lead } of BOUNDARIES) {
    for (const m of s.matchAll(at)) {
      const first = s.slice(0, m.index).trim();
      let rest = s.slice((m.index ?? 0) + m[0].length).trim();
      if (lead(contractions) === 'This ') rest = rest.replace(/^which\s+/i, '');
      const second = `${lead(contractions)}${lead(contractions) === '' ? capitalize(rest) : rest}`;
      if (wordCount(first) < minWords || wordCount(second) < minWords) continue;
      const balance = Math.abs(wordCount(first) - total / 2);
      if (!best || balance < best.balance) best = { first, second, balance };
    }
    if (best) break;
  }
  return best ? [punctuate(best.first), punctuate(best.second)] : undefined;
}

const PEOPLE_OBJECT =
  /^(?:the\s+)?(?:viewers?|audience|listeners|people|everyone|them|you|readers|watchers|kids|students|teens|teenagers|customers|users|fans|folks)\s+/i;
const INVITE =
  /^(?:inviting|asking|encouraging|urging|telling|challenging|getting|prompting|nudging|reminding|inspiring|motivating)\s+/i;

/** `their next beach walk` → `your next beach walk`: the viewer becomes `you`. */
export function toSecondPerson(text: string): string {
  return text
    .replace(/\bthemselves\b/gi, 'yourselves')
    .replace(/\btheirs\b/gi, 'yours')
    .replace(/\btheir\b/gi, 'your')
    .replace(/\bthey\s+are\b/gi, 'you are')
    .replace(/\bthey\b/gi, 'you')
    .replace(/\b(?:his or her|her or his)\b/gi, 'your');
}

/** `check a tide table before your next beach walk` → `Before your next beach walk, check a tide table.` */
function imperative(action: string): string {
  const a = toSecondPerson(action.replace(/^(?:please\s+)?(?:to\s+)?/i, '').trim());
  const m = /^(.+?)\s+((?:before|after|next time|the next time|whenever|every time)\s+.+)$/i.exec(a);
  if (m?.[1] && m[2] && wordCount(m[1]) >= 2 && wordCount(m[2]) >= 3) {
    return punctuate(`${capitalize(m[2])}, ${m[1]}`);
  }
  return punctuate(capitalize(a));
}

/** What a closing request asks the ending to do. */
export interface ClosingRequest {
  /** Spoken sentences (a call to action, a reminder), possibly none. */
  sentences: string[];
  /** True when the brief asks for a summary or recap at the end. */
  recap: boolean;
}

/** `Finish by …`, `End with …`, `Close by …`, `Wrap up with …`: captures how and what. */
export const CLOSING_REQUEST =
  /^(?:(?:and|then|finally|lastly),?\s+)*(?:end|close|finish|conclude|wrap(?:\s+(?:it|things))?\s+up)(?:\s+(?:the\s+)?(?:video|script|piece|clip|it))?\s+(by|with|on)\s+(.+)$/i;

/**
 * Turns the brief's closing request into what the last scene says, in second person:
 * `Finish by inviting viewers to check a tide table before their next beach walk` → `Before your
 * next beach walk, check a tide table.`; `End with a reminder that X` → `Remember: X.`;
 * `End with tips for homeowners` → `Before you go, look into tips for homeowners.`. A request for
 * a summary sets `recap`. A request whose content cannot be said without inventing it (`Finish by
 * showing the logo`) gives no sentence.
 */
export function closingRequest(how: string, what: string): ClosingRequest {
  const w = what.trim().replace(/[.!]+$/, '');
  if (/^(?:a\s+|an\s+|the\s+)?(?:summar|recap|review|restat|quick recap)/i.test(w)) {
    return { sentences: [], recap: true };
  }
  if (how.toLowerCase() === 'on') return { sentences: [], recap: false };
  if (how.toLowerCase() === 'by') {
    if (!INVITE.test(w)) {
      const said = /^(?:saying|stating|noting|pointing out)\s+(?:that\s+)?(.+)$/i.exec(w);
      return { sentences: said?.[1] ? [punctuate(capitalize(toSecondPerson(said[1])))] : [], recap: false };
    }
    const rest = w.replace(INVITE, '').replace(PEOPLE_OBJECT, '');
    const that = /^(?:that|about)\s+(.+)$/i.exec(rest);
    if (that?.[1]) return { sentences: [`Remember: ${punctuate(toSecondPerson(that[1]))}`], recap: false };
    return { sentences: [imperative(rest)], recap: false };
  }
  const action =
    /^(?:a|an)\s+(?:call to action|invitation|challenge|nudge|prompt|encouragement|reminder|request|suggestion)(?:\s+for\s+\S+)?\s+to\s+(.+)$/i.exec(
      w,
    );
  if (action?.[1]) return { sentences: [imperative(action[1])], recap: false };
  const note = /^(?:a|an|the)\s+(?:reminder|note|message|thought|reminder)\s+that\s+(.+)$/i.exec(w);
  if (note?.[1]) return { sentences: [`Remember: ${punctuate(toSecondPerson(note[1]))}`], recap: false };
  const question = /^(?:a\s+)?question[:,]?\s+(.+)$/i.exec(w);
  if (question?.[1])
    return { sentences: [`${capitalize(question[1].replace(/[?.]+$/, ''))}?`], recap: false };
  return { sentences: [`Before you go, look into ${toSecondPerson(w)}.`], recap: false };
}
