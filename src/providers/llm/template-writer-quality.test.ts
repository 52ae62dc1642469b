import { describe, expect, it } from 'vitest';
import { SAMPLE_BRIEF } from '../../cli/sample-brief.js';
import {
  parseScript,
  type Script,
  type ScriptPromptOptions,
  scriptPrompt,
} from '../../pipeline/script-schema.js';
import { TemplateWriter } from './template-writer.js';
import { type ScriptDensity, type ScriptPacing, scriptSizing } from './template-writer-sizing.js';

// The brief `npm run demo` renders, with the options the script stage passes (45 s).
const BRIEF = SAMPLE_BRIEF.brief;
const OPTIONS: ScriptPromptOptions = {
  durationSeconds: 45,
  audience: 'curious teenagers',
  tone: 'warm',
  pacing: 'conversational',
  density: 'balanced',
  style: 'friendly explainer',
};
const BODY = [
  'The Moon’s gravity pulls on the oceans and creates a bulge of water on the side facing it.',
  'A second bulge forms on the far side because the Earth is pulled toward the Moon more strongly than the distant water.',
  'As the Earth turns, every coast passes through both bulges, so most places see two high tides a day.',
  'The Sun adds its own pull: when Sun and Moon line up we get strong spring tides, and when they are at right angles we get weak neap tides.',
];
const FILLERS = [
  /now for as/i,
  /then there is/i,
  /here is the core idea/i,
  /what really matters/i,
  /let.s start with how/i,
];

async function write(options: ScriptPromptOptions = OPTIONS, brief = BRIEF): Promise<Script> {
  const ctx = { signal: new AbortController().signal, heartbeat: () => {} };
  const result = await new TemplateWriter().chat({ messages: scriptPrompt(brief, options) }, ctx);
  return parseScript(result.text);
}

const sentencesOf = (text: string): string[] => text.split(/(?<=[.!?])\s+/).filter((s) => s.trim() !== '');
const wordsOf = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/’/g, "'")
    .replace(/\b(\w+)'re\b/g, '$1 are')
    .replace(/\b(\w+)'s because\b/g, '$1 is because')
    .replace(/\bwe\b/g, 'you')
    .match(/[a-z0-9']+/g) ?? [];

/**
 * True when every word of `sentence` appears in order in `text` with at most `slack` words between,
 * or when its two halves (split at a clause, each of 4 words or more) do.
 */
function saysAdapted(text: string, sentence: string, slack = 3): boolean {
  const needle = wordsOf(sentence);
  if (saysWords(wordsOf(text), needle, slack)) return true;
  for (let cut = 4; cut <= needle.length - 4; cut++)
    if (
      saysWords(wordsOf(text), needle.slice(0, cut), slack) &&
      saysWords(wordsOf(text), needle.slice(cut), slack)
    )
      return true;
  return false;
}

function saysWords(hay: string[], needle: string[], slack: number): boolean {
  for (let start = 0; start < hay.length; start++) {
    if (hay[start] !== needle[0]) continue;
    let at = start;
    let gaps = 0;
    let ok = true;
    for (const word of needle.slice(1)) {
      let next = at + 1;
      while (next < hay.length && hay[next] !== word && next - at <= slack) next++;
      if (hay[next] !== word) {
        ok = false;
        break;
      }
      gaps += next - at - 1;
      at = next;
    }
    if (ok && gaps <= slack) return true;
  }
  return false;
}

const SIZES: Array<[number, ScriptPacing, ScriptDensity]> = [
  [45, 'conversational', 'balanced'],
  [60, 'conversational', 'dense'],
  [90, 'chill', 'balanced'],
  [120, 'fast', 'dense'],
  [30, 'fast', 'sparse'],
];

describe('template writer on the demo brief', () => {
  it('takes the topic without instruction words or audience, and hooks with it', async () => {
    const script = await write();
    expect(script.title).toBe('How Ocean Tides Work');
    expect(script.scenes[0]?.narration.startsWith('Ever wondered how ocean tides work?')).toBe(true);
    for (const s of script.scenes) {
      expect(s.narration).not.toMatch(/tides work for curious teenagers/i);
      expect(s.title).not.toMatch(/for curious teenagers/i);
    }
  });

  it('writes four scenes whose titles are distinct and name the key points', async () => {
    const script = await write();
    expect(script.scenes.map((s) => s.title)).toEqual([
      'How Ocean Tides Work',
      'The Moon’s Gravity and the Second Bulge',
      'From Two High Tides a Day to Spring and Neap Tides',
      'Your Next Step',
    ]);
  });

  it('gives each key point its own titled scene when there are enough scenes', async () => {
    const script = await write({ ...OPTIONS, durationSeconds: 60, density: 'dense' });
    const titles = script.scenes.map((s) => s.title);
    for (const t of [
      'The Moon’s Gravity',
      'The Second Bulge',
      'Two High Tides a Day',
      'Spring and Neap Tides',
    ])
      expect(titles).toContain(t);
  });

  it.each(SIZES)('never repeats a title (%i s, %s, %s)', async (durationSeconds, pacing, density) => {
    const titles = (await write({ ...OPTIONS, durationSeconds, pacing, density })).scenes.map((s) =>
      s.title.toLowerCase(),
    );
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('says every sentence of the brief’s body, lightly adapted', async () => {
    for (const [durationSeconds, pacing, density] of SIZES.slice(0, 3)) {
      const all = (await write({ ...OPTIONS, durationSeconds, pacing, density })).scenes
        .map((s) => s.narration)
        .join(' ');
      for (const sentence of BODY)
        expect(saysAdapted(all, sentence), `${durationSeconds} s: ${sentence}`).toBe(true);
    }
    const script = await write();
    expect(script.scenes[2]?.narration).toContain('you get strong spring tides');
    expect(script.scenes[2]?.narration).toContain('when they’re at right angles');
  });

  it('honours the closing request as the call to action', async () => {
    for (const [durationSeconds, pacing, density] of SIZES) {
      const last =
        (await write({ ...OPTIONS, durationSeconds, pacing, density })).scenes.at(-1)?.narration ?? '';
      expect(last).toContain('Before your next beach walk, check a tide table.');
      expect(last).toMatch(/Thank you for watching\.$/);
    }
  });

  it.each(SIZES)(
    'has no fragment under 4 words and no filler (%i s, %s, %s)',
    async (durationSeconds, pacing, density) => {
      const script = await write({ ...OPTIONS, durationSeconds, pacing, density });
      for (const scene of script.scenes) {
        for (const sentence of sentencesOf(scene.narration))
          expect(sentence.split(/\s+/).length, sentence).toBeGreaterThanOrEqual(4);
        for (const filler of FILLERS) expect(scene.narration).not.toMatch(filler);
      }
    },
  );

  it.each(SIZES)(
    'is sized by pacing and density (%i s, %s, %s)',
    async (durationSeconds, pacing, density) => {
      const script = await write({ ...OPTIONS, durationSeconds, pacing, density });
      const size = scriptSizing({ durationSeconds, pacing, density });
      expect(script.scenes).toHaveLength(size.sceneCount);
      const total = script.scenes.reduce((n, s) => n + s.narration.split(/\s+/).length, 0);
      const target = (size.wordsPerMinute * durationSeconds) / 60;
      expect(total).toBeGreaterThanOrEqual(target * 0.85);
      expect(total).toBeLessThanOrEqual(target * 1.15);
    },
  );

  it('is deterministic', async () => {
    expect(JSON.stringify(await write())).toBe(JSON.stringify(await write()));
  });

  it('keeps straight apostrophes when the brief uses them', async () => {
    const script = await write(OPTIONS, BRIEF.replace(/’/g, "'"));
    const all = script.scenes.map((s) => `${s.title} ${s.narration}`).join(' ');
    expect(all).toContain("The Moon's Gravity");
    expect(all).not.toContain('’');
  });
});
