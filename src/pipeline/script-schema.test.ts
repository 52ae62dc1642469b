import { describe, expect, it } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import { readBriefBlock } from '../providers/llm/template-writer-brief.js';
import { extractJsonObject, parseScript, scriptPrompt } from './script-schema.js';

const scene = { title: 'Tides', narration: 'The moon pulls the sea.', visual: 'A beach at dusk' };
const valid = JSON.stringify({ title: 'Tides', scenes: [scene] });

function problemsOf(text: string): { path: string; message: string }[] {
  try {
    parseScript(text, { provider: 'OpenAI' });
  } catch (error) {
    if (!ReelayError.isInstance(error)) throw error;
    expect(error.code).toBe('REELAY_ERR_PROVIDER');
    expect(error.category).toBe('quality_failure');
    expect(error.provider).toBe('OpenAI');
    expect(error.stage).toBe('script');
    expect(error.message).toContain('The script from OpenAI');
    return error.details.problems as { path: string; message: string }[];
  }
  throw new Error('expected parseScript to throw');
}

describe('parseScript', () => {
  it('accepts a clean JSON script', () => {
    expect(parseScript(valid)).toEqual({
      title: 'Tides',
      scenes: [{ ...scene, durationHintSeconds: undefined }],
    });
  });

  it('strips code fences and the prose around them', () => {
    const text = `Sure! Here is your script:\n\`\`\`json\n${valid}\n\`\`\`\nLet me know if you want changes {really}.`;
    expect(parseScript(text).title).toBe('Tides');
  });

  it('extracts the first JSON object from prose without fences', () => {
    expect(parseScript(`Here you go: ${valid} Hope this helps!`).scenes).toHaveLength(1);
  });

  it('repairs trailing commas in objects and arrays', () => {
    const text = '{"title": "Tides", "scenes": [{"title": "A", "narration": "B", "visual": "C",},],}';
    expect(parseScript(text).scenes[0]?.visual).toBe('C');
  });

  it('repairs smart quotes used as JSON quotes but keeps them inside text', () => {
    const text =
      '{\u201ctitle\u201d: \u201cTides\u201d, \u201cscenes\u201d: [{\u201ctitle\u201d: \u201cA\u201d, \u201cnarration\u201d: \u201cShe said \u201chi\u201d to the sea.\u201d, \u201cvisual\u201d: \u201cC\u201d}]}';
    expect(parseScript(text).scenes[0]?.narration).toBe('She said \u201chi\u201d to the sea.');
  });

  it('repairs raw line breaks inside strings', () => {
    const text =
      '{"title": "Tides", "scenes": [{"title": "A", "narration": "Line one\nline two", "visual": ""}]}';
    expect(parseScript(text).scenes[0]?.narration).toBe('Line one\nline two');
  });

  it('keeps escaped quotes and braces inside strings', () => {
    const text =
      '{"title": "A \\"quoted\\" {brace}", "scenes": [{"title": "A", "narration": "B }", "visual": "C"}]}';
    expect(parseScript(text).title).toBe('A "quoted" {brace}');
  });

  it('treats null durationHintSeconds as absent and keeps a number', () => {
    const text = JSON.stringify({
      title: 'T',
      scenes: [
        { ...scene, durationHintSeconds: null },
        { ...scene, durationHintSeconds: 12 },
      ],
    });
    const parsed = parseScript(text);
    expect(parsed.scenes.map((s) => s.durationHintSeconds)).toEqual([undefined, 12]);
  });

  it('lists every schema problem with its path and expectation', () => {
    const text = JSON.stringify({
      title: 'T',
      scenes: [
        { title: 'x'.repeat(81), narration: '', visual: 'v' },
        { title: 'ok', narration: 'n'.repeat(1201), visual: 'v'.repeat(401), durationHintSeconds: -1 },
      ],
    });
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual([
      'scenes[0].title',
      'scenes[0].narration',
      'scenes[1].narration',
      'scenes[1].visual',
      'scenes[1].durationHintSeconds',
    ]);
    expect(problems[0]?.message).toContain('at most 80');
  });

  it('accepts the bounds exactly: 80-char title, 1200-char narration, 400-char visual, 60 scenes', () => {
    const edge = { title: 'x'.repeat(80), narration: 'n'.repeat(1200), visual: 'v'.repeat(400) };
    expect(parseScript(JSON.stringify({ title: 'T', scenes: Array(60).fill(edge) })).scenes).toHaveLength(60);
  });

  it('rejects zero and 61 scenes', () => {
    expect(problemsOf(JSON.stringify({ title: 'T', scenes: [] }))[0]?.message).toContain('at least 1');
    expect(problemsOf(JSON.stringify({ title: 'T', scenes: Array(61).fill(scene) }))[0]?.message).toContain(
      'at most 60',
    );
  });

  it('reports missing fields and wrong types', () => {
    const problems = problemsOf('{"scenes": [{"title": 3, "narration": "n", "visual": "v"}]}');
    expect(problems.map((p) => p.path)).toEqual(['title', 'scenes[0].title']);
  });

  it('reports output with no JSON object, and a cut-off object', () => {
    expect(problemsOf('I cannot help with that.')[0]?.message).toContain('found none');
    expect(problemsOf('{"title": "T", "scenes": [{"title": "A"')[0]?.message).toContain('cut off');
  });

  it('is retryable (the model may do better) and names no provider when none is given', () => {
    try {
      parseScript('nope');
      expect.unreachable();
    } catch (error) {
      expect(ReelayError.isInstance(error) && error.retryable).toBe(true);
      expect((error as Error).message.startsWith('The script does not match')).toBe(true);
    }
  });
});

describe('extractJsonObject', () => {
  it('returns undefined when there is no object, and marks incomplete ones', () => {
    expect(extractJsonObject('no json')).toBeUndefined();
    expect(extractJsonObject('{"a": [1, 2')).toEqual({ text: '{"a": [1, 2', complete: false });
  });
});

describe('scriptPrompt', () => {
  it('builds a system and a user message sized for the duration, with a readable brief block', () => {
    const messages = scriptPrompt('Explain how tides work for curious kids.', {
      durationSeconds: 120,
      pacing: 'fast',
      density: 'dense',
      audience: 'curious kids',
      language: 'French',
    });
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    const [system, user] = messages;
    expect(system?.content).toContain('"durationHintSeconds"');
    expect(system?.content).toContain('Write the narration in French');
    // 120 s dense → 15 scenes of 8 s; fast → 175 wpm → 23 words per scene.
    expect(user?.content).toContain('Write 15 scenes of about 8 seconds each');
    expect(user?.content).toContain('about 23 words of narration per scene');
    expect(user?.content).toContain('Audience: curious kids');
    expect(readBriefBlock(user?.content ?? '')).toEqual({
      brief: 'Explain how tides work for curious kids.',
      durationSeconds: 120,
      audience: 'curious kids',
      goal: 'inform and engage',
      tone: 'professional',
      language: 'French',
      style: 'informative',
      pacing: 'fast',
      density: 'dense',
    });
  });

  it('applies the documented defaults', () => {
    const user = scriptPrompt('Explain how tides work.')[1]?.content ?? '';
    expect(user).toContain('Target duration: 60 seconds');
    expect(user).toContain('Write 5 scenes of about 12 seconds each');
    expect(user).toContain('Audience: general audience. Goal: inform and engage. Tone: professional.');
  });
});
