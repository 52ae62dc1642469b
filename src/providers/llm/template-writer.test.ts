import { describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../domain/heartbeat.js';
import { WORDS_PER_MINUTE } from '../../pipeline/scene-timing.js';
import {
  parseScript,
  type Script,
  type ScriptPromptOptions,
  scriptPrompt,
} from '../../pipeline/script-schema.js';
import { TemplateWriter } from './template-writer.js';
import { analyzeBrief } from './template-writer-analysis.js';
import { readBriefBlock } from './template-writer-brief.js';
import {
  PACING_WORDS_PER_MINUTE,
  type ScriptDensity,
  type ScriptPacing,
  scriptSizing,
} from './template-writer-sizing.js';

const SOLAR =
  'Explain how solar panels convert sunlight into electricity. Cover photovoltaic cells, inverters and net metering. End with tips for homeowners.';

function ctx(beats: Heartbeat[] = [], signal = new AbortController().signal) {
  return { signal, heartbeat: (b: Heartbeat) => beats.push(b) };
}

async function write(
  brief: string,
  options: ScriptPromptOptions = {},
): Promise<{ text: string; script: Script }> {
  const result = await new TemplateWriter().chat({ messages: scriptPrompt(brief, options) }, ctx());
  return { text: result.text, script: parseScript(result.text) };
}

const words = (s: Script): number =>
  s.scenes.reduce((n, sc) => n + sc.narration.trim().split(/\s+/).length, 0);

describe('scriptSizing', () => {
  it('uses the pipeline words-per-minute table (no drift between layers)', () => {
    for (const p of ['chill', 'conversational', 'fast'] as const)
      expect(PACING_WORDS_PER_MINUTE[p]).toBe(WORDS_PER_MINUTE[p]);
    expect(PACING_WORDS_PER_MINUTE.slow).toBe(130);
  });

  it('counts scenes by density within 1–60', () => {
    expect(scriptSizing({ durationSeconds: 60, density: 'sparse' }).sceneCount).toBe(3);
    expect(scriptSizing({ durationSeconds: 60, density: 'balanced' }).sceneCount).toBe(5);
    expect(scriptSizing({ durationSeconds: 60, density: 'dense' }).sceneCount).toBe(8);
    expect(scriptSizing({ durationSeconds: 5, density: 'sparse' }).sceneCount).toBe(1);
    expect(scriptSizing({ durationSeconds: 600, density: 'dense' }).sceneCount).toBe(60);
  });
});

describe('brief analysis', () => {
  it('finds the topic, list items as key points, and the closing request', () => {
    const a = analyzeBrief(SOLAR);
    expect(a.topic).toBe('how solar panels convert sunlight into electricity');
    expect(a.points.map((p) => p.phrase)).toEqual(['photovoltaic cells', 'inverters', 'net metering']);
    expect(a.points.map((p) => p.title)).toEqual(['Photovoltaic Cells', 'Inverters', 'Net Metering']);
    expect(a.closing).toEqual(['Before you go, look into tips for homeowners.']);
  });

  it('keeps statements as spoken sentences and their subject', () => {
    const a = analyzeBrief(
      'Tides are caused by the moon. It pulls the ocean. Spring tides happen twice a month.',
    );
    expect(a.topic).toBe('tides');
    expect(a.points.map((p) => p.phrase)).toEqual(['tides', 'spring tides']);
    expect(a.points.map((p) => p.title)).toEqual(['Tides', 'Spring Tides']);
    expect(a.points[0]?.statements).toEqual(['Tides are caused by the moon.', 'It pulls the ocean.']);
  });
});

describe('TemplateWriter', () => {
  it('declares the provider spec', () => {
    const w = new TemplateWriter();
    expect([w.id, w.displayName, w.kind, w.profileType, w.priority]).toEqual([
      'template',
      'RuleBased',
      'llm',
      'fallback_provider',
      5,
    ]);
    expect(w.capabilities).toMatchObject({ heartbeat: 'token_count', offline: true, features: ['json'] });
    expect(w.costModel).toEqual({ unit: 'free', usdPerUnit: 0 });
  });

  it('is deterministic: the same brief gives the same bytes', async () => {
    const a = await write(SOLAR, { durationSeconds: 90, tone: 'friendly' });
    const b = await write(SOLAR, { durationSeconds: 90, tone: 'friendly' });
    expect(a.text).toBe(b.text);
    expect((await write(`${SOLAR} Mention batteries.`, { durationSeconds: 90 })).text).not.toBe(a.text);
  });

  it('is brief-aware: hook, one scene per key point, a closing call to action', async () => {
    const { script } = await write(SOLAR, {
      durationSeconds: 72,
      goal: 'get viewers to book a free roof survey',
    });
    expect(script.title).toBe('How Solar Panels Convert Sunlight into Electricity');
    expect(script.scenes.map((s) => s.title)).toEqual([
      'How Solar Panels Convert Sunlight into Electricity',
      'Photovoltaic Cells',
      'Photovoltaic Cells: Why It Matters',
      'Inverters',
      'Net Metering',
      'Your Next Step',
    ]);
    expect(script.scenes[3]?.narration).toContain('inverters');
    const last = script.scenes.at(-1)?.narration ?? '';
    expect(last).toContain('Book a free roof survey today.');
    expect(last).toContain('look into tips for homeowners');
    expect(last.endsWith('Thank you for watching.')).toBe(true);
  });

  it('speaks the brief’s own statements', async () => {
    const brief =
      'Tides are caused by the gravity of the moon. Spring tides happen when the sun and moon line up.';
    const { script } = await write(brief, { durationSeconds: 60 });
    const all = script.scenes.map((s) => s.narration).join(' ');
    expect(all).toContain('Tides are caused by the gravity of the moon.');
    expect(all).toContain('Spring tides happen when the sun and moon line up.');
  });

  const cases: Array<[number, ScriptPacing, ScriptDensity]> = [
    [30, 'chill', 'sparse'],
    [30, 'fast', 'dense'],
    [60, 'conversational', 'balanced'],
    [60, 'slow', 'dense'],
    [300, 'chill', 'balanced'],
    [300, 'fast', 'sparse'],
    [300, 'conversational', 'dense'],
  ];
  it.each(cases)('sizes %i s at %s pacing, %s density', async (durationSeconds, pacing, density) => {
    const { script } = await write(SOLAR, { durationSeconds, pacing, density });
    const size = scriptSizing({ durationSeconds, pacing, density });
    expect(script.scenes).toHaveLength(size.sceneCount);
    // Total narration within ±15 % of words-per-minute × duration.
    const target = (size.wordsPerMinute * durationSeconds) / 60;
    expect(words(script)).toBeGreaterThanOrEqual(target * 0.85);
    expect(words(script)).toBeLessThanOrEqual(target * 1.15);
    for (const s of script.scenes) expect(s.durationHintSeconds).toBeCloseTo(size.sceneSeconds, 1);
  });

  it('writes a single scene for very short videos, with the call to action', async () => {
    const { script } = await write(SOLAR, { durationSeconds: 8, density: 'sparse' });
    expect(script.scenes).toHaveLength(1);
    expect(script.scenes[0]?.narration.startsWith('Let’s take a clear look at how solar panels')).toBe(true);
    expect(script.scenes[0]?.narration.endsWith('Thank you for watching.')).toBe(true);
  });

  it('uses the whole user message as the brief when there is no reelay-brief block', async () => {
    const result = await new TemplateWriter().chat({ messages: [{ role: 'user', content: SOLAR }] }, ctx());
    expect(parseScript(result.text).scenes).toHaveLength(5);
    expect(result.model).toBe('template-v1');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('rejects an empty conversation with a validation error', async () => {
    await expect(
      new TemplateWriter().chat({ messages: [{ role: 'system', content: 'x' }] }, ctx()),
    ).rejects.toMatchObject({
      code: 'REELAY_ERR_VALIDATION',
      provider: 'template',
    });
  });

  it('pushes rising token counts, one heartbeat per scene', async () => {
    const beats: Heartbeat[] = [];
    await new TemplateWriter().chat({ messages: scriptPrompt(SOLAR, { durationSeconds: 60 }) }, ctx(beats));
    expect(beats).toHaveLength(1 + 5);
    const tokens = beats.map((b) => b.tokens ?? -1);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1] as number);
  });

  it('stops when the signal is aborted mid-write, with the abort reason', async () => {
    const ac = new AbortController();
    const beats: Heartbeat[] = [];
    const heartbeat = (b: Heartbeat): void => {
      beats.push(b);
      if (beats.length === 2) ac.abort(new Error('switched'));
    };
    await expect(
      new TemplateWriter().chat({ messages: scriptPrompt(SOLAR) }, { signal: ac.signal, heartbeat }),
    ).rejects.toThrow('switched');
    expect(beats).toHaveLength(2);
  });

  it('is always healthy and respects an aborted signal', async () => {
    const w = new TemplateWriter();
    expect((await w.healthCheck(new AbortController().signal)).healthy).toBe(true);
    await expect(w.healthCheck(AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });

  it('readBriefBlock ignores malformed blocks', () => {
    expect(readBriefBlock('```reelay-brief\nnot json\n```')).toBeUndefined();
    expect(readBriefBlock('```reelay-brief\n{"brief": ""}\n```')).toBeUndefined();
    expect(readBriefBlock('```reelay-brief\n{"brief": "x", "pacing": "warp"}\n```')?.pacing).toBe(
      'conversational',
    );
  });
});
