import { analyzeBrief, type BriefAnalysis } from './template-writer-analysis.js';
import type { ScriptBrief } from './template-writer-brief.js';
import { fitScenes, type Line, PADDING } from './template-writer-fit.js';
import {
  ANGLES,
  angleSentences,
  goalSentences,
  isActionGoal,
  knowing,
  prompts,
} from './template-writer-phrases.js';
import { isQuestionTopic, joinTitles } from './template-writer-phrasing.js';
import { planBody, type Segment } from './template-writer-plan.js';
import { scriptSizing } from './template-writer-sizing.js';
import { capitalize, clip, hashText, listOf } from './template-writer-text.js';
import { splitSentence } from './template-writer-voice.js';

/** A scene as the template writer writes it (the script schema's JSON shape). */
export interface TemplateScene {
  title: string;
  narration: string;
  visual: string;
  durationHintSeconds: number;
}

/** A script as the template writer writes it. */
export interface TemplateScript {
  title: string;
  scenes: TemplateScene[];
}

interface Ctx {
  a: BriefAnalysis;
  b: ScriptBrief;
  seed: number;
  casual: boolean;
  audience: string;
}

interface Draft {
  title: string;
  lines: Line[];
  /** What the picture shows. */
  subject: string;
}

const CASUAL = /casual|friendly|fun|playful|light|warm|upbeat|conversational|relaxed|chatty/i;
const THANKS = 'Thank you for watching.';

const req = (text: string, pos: number, extra: Partial<Line> = {}): Line => ({
  text,
  pos,
  required: true,
  prio: 0,
  ...extra,
});
const opt = (text: string, pos: number, prio: number): Line => ({ text, pos, required: false, prio });

/**
 * Writes a script from a brief, deterministically: an opening hook built from the topic, body
 * scenes that narrate the brief's own statements (neighbouring points share a scene when there are
 * more points than scenes; long points are split, then revisited, when there are fewer), and a
 * closing that says the brief's closing request (`Finish by …`) or the goal's call to action.
 * Scene count and words follow {@link scriptSizing}; every scene title is distinct.
 */
export function composeScript(b: ScriptBrief): TemplateScript {
  const casual = CASUAL.test(b.tone);
  const a = analyzeBrief(b.brief, { audience: b.audience, contractions: casual });
  const audience = /^general/i.test(b.audience) ? (a.audience ?? b.audience) : b.audience;
  const c: Ctx = { a, b, seed: hashText(b.brief), casual, audience };
  const size = scriptSizing(b);
  const n = size.sceneCount;
  const body = planBody(a.points, Math.max(0, n - 2), casual);
  const drafts: Draft[] =
    n === 1
      ? [hook(c, false)]
      : [hook(c, body.length > 0), ...body.map((group, i) => bodyScene(c, group, i)), close(c)];
  if (n === 1) drafts[0]?.lines.push(...close(c).lines.map((l) => ({ ...l, pos: l.pos + 100 })));
  const narrations = fitScenes(
    drafts.map((d) => d.lines),
    size.wordsPerScene,
  );
  const titles = distinctTitles(drafts);
  const hint = Math.round(size.sceneSeconds * 10) / 10;
  const straight = b.brief.includes("'") && !b.brief.includes('’');
  const spoken = (text: string): string => (straight ? text.replace(/(?<=\p{L})’(?=\p{L})/gu, "'") : text);
  return {
    title: clip(spoken(a.title), 80),
    scenes: drafts.map((d, i) => ({
      title: spoken(titles[i] ?? d.title),
      narration: clip(spoken(narrations[i] ?? ''), 1200),
      visual: clip(spoken(visual(c, titles[i] ?? d.title, d.subject, i)), 400),
      durationHintSeconds: hint,
    })),
  };
}

function hook(c: Ctx, hasBody: boolean): Draft {
  const { a, casual } = c;
  const topic = a.topic;
  const lines: Line[] = [
    req(
      casual
        ? `Ever wondered ${isQuestionTopic(topic) ? topic : `about ${topic}`}?`
        : `Let’s take a clear look at ${topic}.`,
      0,
    ),
  ];
  if (casual && isQuestionTopic(topic)) lines.push(opt('Let’s find out together.', 1, 2));
  const phrases = a.points.map((p) => p.phrase);
  if (phrases.length >= 2) lines.push(opt(`We’ll cover ${listOf(phrases)}.`, 2, 1));
  if (!/^general/i.test(c.audience)) lines.push(opt(`This one’s for ${c.audience}.`, 3, 3));
  if (!hasBody) {
    // No body scenes: the brief's statements are said here, shortened or dropped if need be.
    for (const s of a.points.flatMap((p) => p.statements))
      lines.push(req(s, 10, { droppable: true, ...shortOf(s, c.casual) }));
    for (const [i, p] of a.points.entries())
      lines.push(opt(prompts(p.phrase, topic, i)[0] ?? '', 20, PADDING));
  }
  return { title: a.title, lines, subject: a.title };
}

function shortOf(sentence: string, casual: boolean): { short?: string } {
  const halves = splitSentence(sentence, casual, 4);
  return halves ? { short: halves[0] } : {};
}

/** True when `sentence` already names `phrase` (articles aside): no need to introduce it. */
function mentions(sentence: string, phrase: string): boolean {
  const bare = (t: string): string => t.toLowerCase().replace(/\b(?:the|a|an)\s+/g, '');
  return bare(sentence).includes(bare(phrase));
}

const TRANSITIONS = ['Next, let’s look at', 'Now let’s turn to', 'Let’s move on to'];

function bodyScene(c: Ctx, group: Segment[], i: number): Draft {
  const lines: Line[] = [];
  let pos = 0;
  for (const [k, seg] of group.entries()) {
    const intro =
      i === 0 && k === 0
        ? `Let’s start with ${seg.phrase}.`
        : `${TRANSITIONS[(c.seed + i + k) % TRANSITIONS.length]} ${seg.phrase}.`;
    if (seg.kind === 'item') {
      lines.push(req(intro, pos++));
      lines.push(opt(`Think about the role of ${seg.phrase} in ${c.a.topic}.`, pos++, PADDING));
    } else if (seg.kind === 'angle') {
      const said = c.a.points[seg.point]?.statements[0];
      const recall = said?.includes(':') ? (splitSentence(said, c.casual, 3)?.[0] ?? said) : said;
      const [first, ...rest] = angleSentences(seg.angle, seg.phrase, c.a.topic, recall);
      lines.push(req(first ?? intro, pos++, k > 0 ? { droppable: true } : {}));
      for (const s of rest) lines.push(opt(s, pos++, 1));
    } else {
      if (k === 0 && !seg.continued && !mentions(seg.sentences[0] ?? '', seg.phrase))
        lines.push(opt(intro, pos++, 4));
      for (const [j, s] of seg.sentences.entries())
        lines.push(req(s, pos++, { droppable: k > 0 || j > 0, ...shortOf(s, c.casual) }));
    }
  }
  const lead = group[0];
  for (const p of prompts(lead?.phrase ?? c.a.topic, c.a.topic, i))
    lines.push(opt(p, 50 + pos++, PADDING + 1));
  const titles = group.map((s) =>
    s.kind === 'angle' ? `${s.title}: ${ANGLES[s.angle % ANGLES.length] ?? ''}` : s.title,
  );
  return {
    title: joinTitles(titles),
    lines,
    subject: listOf(group.map((s) => s.phrase)),
  };
}

function close(c: Ctx): Draft {
  const { a, b } = c;
  const lines: Line[] = [];
  const goal = goalSentences(b.goal, a.topic);
  const action = isActionGoal(b.goal);
  const recap = `To recap: ${listOf(a.points.map((p) => p.phrase))}.`;
  if (a.recap) lines.push(req(recap, 1));
  if (a.closing.length > 0) {
    lines.push(opt(`Now you know ${knowing(a.topic)}.`, 0, 1));
    if (!a.recap && a.points.length >= 2) lines.push(opt(recap, 1, 3));
    for (const s of a.closing) lines.push(req(s, 2));
    for (const s of action ? goal : goal.slice(1)) lines.push(opt(s, 3, 4));
  } else if (action) {
    for (const s of goal) lines.push(req(s, 2));
    lines.push(opt(`Now you know ${knowing(a.topic)}.`, 0, 1));
  } else {
    const [first, ...rest] = goal;
    if (first) lines.push(req(first, 0));
    if (!a.recap && a.points.length >= 2) lines.push(opt(recap, 1, 2));
    for (const s of rest) lines.push(opt(s, 3, 3));
  }
  lines.push(req(THANKS, 99));
  const next = a.closing.length > 0 || action;
  return { title: next ? 'Your Next Step' : 'Key Takeaways', lines, subject: a.title };
}

/** Every title distinct (case-insensitive): a repeat becomes `…, Continued`, then `… (n)`. */
function distinctTitles(drafts: readonly Draft[]): string[] {
  const used = new Set<string>();
  return drafts.map((d) => {
    const base = clip(d.title || 'Scene', 80);
    let title = base;
    if (used.has(title.toLowerCase())) title = clip(`${clip(base, 68)}, Continued`, 80);
    for (let k = 2; used.has(title.toLowerCase()); k++) title = `${clip(base, 74)} (${k})`;
    used.add(title.toLowerCase());
    return title;
  });
}

function visual(c: Ctx, title: string, subject: string, i: number): string {
  const words = c.a.keywords.length > 0 ? c.a.keywords : [c.a.topic];
  const kw = (k: number): string => words[k % words.length] ?? c.a.topic;
  const terms = [kw(i), kw(i + 1), kw(i + 2)].filter((t, k, all) => all.indexOf(t) === k);
  return `${capitalize(c.b.style)} visual for "${title}": ${subject}; key terms: ${terms.join(', ')}; clean composition, ${c.b.tone} mood, for ${c.audience}.`;
}
