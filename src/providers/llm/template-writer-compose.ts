import type { ScriptBrief } from './template-writer-brief.js';
import { ANGLES, angleSentences, fillers, goalSentences } from './template-writer-phrases.js';
import { scriptSizing } from './template-writer-sizing.js';
import {
  analyzeBrief,
  type BriefAnalysis,
  capitalize,
  clip,
  hashText,
  inline,
  type KeyPoint,
  listOf,
  punctuate,
  titleCase,
  wordCount,
} from './template-writer-text.js';

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

type Role =
  | { kind: 'hook'; solo: boolean; body: boolean }
  | { kind: 'point'; points: KeyPoint[]; angle: number; first: boolean }
  | { kind: 'close' };

interface Ctx {
  a: BriefAnalysis;
  b: ScriptBrief;
  seed: number;
  topic: string;
  kw: (i: number) => string;
}

/**
 * Writes a script from a brief, deterministically: an opening hook, one scene per key point (a
 * point gets several angles when there are more scenes than points; points share a scene when
 * there are fewer), and a closing call to action that reflects the goal. Scene count and words
 * per scene follow {@link scriptSizing}.
 */
export function composeScript(b: ScriptBrief): TemplateScript {
  const a = analyzeBrief(b.brief);
  const size = scriptSizing(b);
  const words = a.keywords.length > 0 ? a.keywords : [a.topic];
  const ctx: Ctx = {
    a,
    b,
    seed: hashText(b.brief),
    topic: inline(a.topic),
    kw: (i) => words[i % words.length] ?? a.topic,
  };
  const title = clip(titleCase(a.title), 80);
  const hint = Math.round(size.sceneSeconds * 10) / 10;
  return {
    title,
    scenes: roles(a, size.sceneCount).map((role, i) => {
      const sceneTitle = clip(
        role.kind === 'hook' ? title : role.kind === 'close' ? closeTitle(b.goal) : pointTitle(role),
        80,
      );
      const narration = fill(pool(ctx, role, i), size.wordsPerScene, ctx, i);
      const visual = clip(
        `${capitalize(b.style)} visual for "${sceneTitle}": ${visualOf(ctx, role, i)}`,
        400,
      );
      return { title: sceneTitle, narration, visual, durationHintSeconds: hint };
    }),
  };
}

function roles(a: BriefAnalysis, count: number): Role[] {
  if (count === 1) return [{ kind: 'hook', solo: true, body: false }];
  const body = count - 2;
  const out: Role[] = [{ kind: 'hook', solo: false, body: body > 0 }];
  const p = a.points.length;
  for (let s = 0; s < body; s++) {
    if (p >= body) {
      const from = Math.floor((s * p) / body);
      const to = Math.floor(((s + 1) * p) / body);
      out.push({ kind: 'point', points: a.points.slice(from, to), angle: 0, first: s === 0 });
    } else {
      const point = Math.floor((s * p) / body);
      const firstScene = Math.ceil((point * body) / p);
      const angle = (s - firstScene) % ANGLES.length;
      out.push({ kind: 'point', points: [a.points[point] as KeyPoint], angle, first: s === 0 });
    }
  }
  out.push({ kind: 'close' });
  return out;
}

function pointTitle(role: Extract<Role, { kind: 'point' }>): string {
  const names = role.points.map((p) => p.phrase);
  const joined = titleCase(listOf(names));
  const base = joined.length <= 80 ? joined : titleCase(names[0] ?? '');
  const angle = ANGLES[role.angle] ?? '';
  return angle ? `${clip(base, 80 - angle.length - 2)}: ${angle}` : base;
}

function closeTitle(goal: string): string {
  return /sell|buy|sign|subscribe|register|join|book|try|download|order|contact|visit/i.test(goal)
    ? 'Your Next Step'
    : 'Key Takeaways';
}

function spokenDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} seconds`;
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'one minute' : `${minutes} minutes`;
}

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length] as T;
}

/** Sentences for a scene, in the order they should be spoken; `tail` always ends the scene. */
function pool(c: Ctx, role: Role, i: number): { lead: string[]; tail: string[] } {
  const { a, b, topic } = c;
  const casual = /casual|friendly|fun|playful|light|warm|upbeat/i.test(b.tone);
  const general = /^general/i.test(b.audience);
  const named = a.points.map((p) => inline(p.subject)).filter((s) => s !== '' && s !== topic);
  const covered = named.slice(0, 4);
  if (role.kind === 'hook') {
    // Without body scenes, the brief's own statements are spoken here (and the ending too, when solo).
    const statements = role.body ? [] : a.points.flatMap((p) => p.statements);
    const opener = casual ? `Ever wondered about ${topic}?` : `Let's take a clear look at ${topic}.`;
    if (role.solo)
      return {
        lead: [opener, ...statements, ...goalSentences(b.goal, topic)],
        tail: ['Thanks for watching.'],
      };
    return {
      lead: [
        opener,
        ...statements,
        `In the next ${spokenDuration(b.durationSeconds)}, you will see what really matters here.`,
        general ? 'This is for anyone who is curious.' : `This video is made for ${b.audience}.`,
        ...(covered.length > 1 ? [`We will cover ${listOf(covered)}.`] : []),
        'By the end, you will know what matters most and what to do next.',
        'Stay with us, because the details make all the difference.',
      ],
      tail: [],
    };
  }
  if (role.kind === 'close') {
    return {
      lead: [
        pick(['Let us wrap up.', 'To sum up.', 'That brings us to the end.'], c.seed),
        ...(covered.length > 0 ? [`We looked at ${listOf(covered)}.`] : []),
        ...a.closing.map(
          (x) =>
            `Before you go, a word on ${inline(x)}: start small, check the basics, and build from there.`,
        ),
        ...goalSentences(b.goal, topic),
      ],
      tail: ['Thanks for watching.'],
    };
  }
  const [first, ...others] = role.points;
  const s = subjectFor(first);
  const opener = role.first
    ? `Let's start with ${s}.`
    : pick([`Next up: ${s}.`, `Now for ${s}.`, `Let's turn to ${s}.`], c.seed + i);
  const lead: string[] = [];
  if (role.angle === 0) lead.push(opener, ...(first?.statements ?? []));
  for (const p of others) lead.push(`Then there is ${subjectFor(p)}.`, ...p.statements);
  const angle = angleSentences(role.angle, s, c.topic, c.b.audience);
  lead.push(...angle);
  return { lead, tail: [] };
}

function subjectFor(point: KeyPoint | undefined): string {
  const s = inline(point?.subject ?? '');
  return s === '' ? 'the big picture' : s;
}

/** Takes sentences until the scene has about `target` words (within ±12 %, at least ±2). */
function fill(sentences: { lead: string[]; tail: string[] }, target: number, c: Ctx, i: number): string {
  const tolerance = Math.max(2, Math.round(target * 0.12));
  const tail = sentences.tail.join(' ');
  const goal = target - wordCount(tail);
  const out: string[] = [];
  let words = 0;
  for (const sentence of [
    ...sentences.lead,
    ...fillers(
      c.a.points.map((p) => inline(p.subject)).filter((x) => x !== ''),
      c.topic,
      i,
    ),
  ]) {
    if (words >= goal - tolerance) break;
    const n = wordCount(sentence);
    if (words + n <= goal + tolerance) {
      out.push(sentence);
      words += n;
    }
  }
  if (words < goal - tolerance) {
    // Nothing fits whole: say the start of the first sentence (tiny scenes).
    const head = (sentences.lead[0] ?? c.a.topic).split(/\s+/).slice(0, Math.max(1, goal - words));
    out.push(punctuate(head.join(' ').replace(/[,;:?]$/, '')));
  }
  if (tail) out.push(tail);
  return clip(out.join(' '), 1200);
}

function visualOf(c: Ctx, role: Role, i: number): string {
  const subject = role.kind === 'point' ? listOf(role.points.map((p) => p.phrase)) : c.a.title;
  const terms = [c.kw(i), c.kw(i + 1), c.kw(i + 2)].filter((t, k, all) => all.indexOf(t) === k);
  return `${subject}; key terms: ${terms.join(', ')}; clean composition, ${c.b.tone} mood, for ${c.b.audience}.`;
}
