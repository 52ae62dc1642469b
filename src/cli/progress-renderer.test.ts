import { describe, expect, it } from 'vitest';
import type { ReelayEvent, StoredEvent } from '../domain/events.js';
import { LATENCY_CATEGORIES } from '../domain/latency.js';
import { MemoryOutput } from './cli-test-io.js';
import { LATENCY_LABELS } from './latency-labels.js';
import { bar, ProgressRenderer, stagePercent } from './progress-renderer.js';

let nextId = 1;
const T = '2026-05-01T09:00:00.000Z';
type Without<E> = E extends unknown ? Omit<E, 'jobId' | 'timestamp'> : never;
function ev(e: Without<ReelayEvent>): StoredEvent {
  return { jobId: 'job_1', timestamp: T, id: nextId++, ...e } as StoredEvent;
}
const call = { provider: 'espeak', providerType: 'tts' as const, stage: 'narration', operationId: 'op_1' };

describe('stagePercent and bar', () => {
  it('maps overall progress into each stage’s own 0–100 using the stage weights', () => {
    expect(stagePercent('brief', 0)).toBe(0);
    expect(stagePercent('brief', 5)).toBe(100);
    expect(stagePercent('script', 5)).toBe(0);
    expect(stagePercent('script', 15)).toBe(50);
    expect(stagePercent('narration', 25)).toBe(0);
    expect(stagePercent('narration', 55)).toBe(100);
    expect(stagePercent('post', 97.5)).toBe(50);
    expect(stagePercent('render', 99)).toBe(100); // clamped
    expect(stagePercent('render', 10)).toBe(0); // clamped
    expect(stagePercent('custom', 42)).toBe(42);
  });
  it('draws filled and empty cells', () => {
    expect(bar(0, 4)).toBe('[....]');
    expect(bar(50, 4)).toBe('[##..]');
    expect(bar(100, 4)).toBe('[####]');
    expect(bar(140, 4)).toBe('[####]');
  });
});

describe('ProgressRenderer on a terminal', () => {
  it('redraws one status line with stage bar, overall percent, ETA and the provider’s latency label', () => {
    const out = new MemoryOutput(true, 200);
    const r = new ProgressRenderer(out);
    r.onEvent(ev({ type: 'stage-started', stage: 'narration' }));
    r.onEvent(ev({ type: 'request-start', ...call, attempt: 1 }));
    r.onEvent(
      ev({ type: 'progress', percentage: 40, stage: 'narration', message: 'Narrating', etaSeconds: 12 }),
    );
    expect(r.statusText()).toBe(
      'narration [############............]  50% · overall 40% · ETA 12 s · espeak: Active • Generating',
    );
    expect(out.text.endsWith(`\r\x1b[2K${r.statusText()}`)).toBe(true);
  });

  it('prints a permanent line, with the UI label, for every latency category change', () => {
    for (const to of LATENCY_CATEGORIES) {
      const out = new MemoryOutput(true, 200);
      const r = new ProgressRenderer(out);
      r.onEvent(ev({ type: 'latency-category-changed', ...call, from: 'Normal', to, elapsedMs: 46_000 }));
      expect(out.text).toContain(`espeak on narration: ${LATENCY_LABELS[to]} (46 s elapsed)\n`);
      expect(r.statusText()).toBe(`waiting for a worker…`);
    }
    expect(LATENCY_LABELS).toEqual({
      Normal: 'Active • Generating',
      Extended: 'Extended Wait • Still Working',
      DeepWait: 'Deep Wait • Long-Form Processing',
      StallSuspected: 'Stall Suspected • Awaiting Response',
      Error: 'Error • Provider Failed',
    });
  });

  it('shows stalls, retries, switches and the end as lines; a heartbeat after a stall clears the state', () => {
    const out = new MemoryOutput(true, 200);
    const r = new ProgressRenderer(out);
    r.onEvent(ev({ type: 'stage-started', stage: 'narration' }));
    r.onEvent(ev({ type: 'request-start', ...call, attempt: 1 }));
    r.onEvent(
      ev({
        type: 'stall-suspected',
        ...call,
        elapsedMs: 40_000,
        sinceProgressMs: 30_000,
        thresholdMs: 30_000,
      }),
    );
    expect(r.statusText()).toContain('espeak: Stall Suspected • Awaiting Response');
    r.onEvent(ev({ type: 'stall-cleared', ...call, stalledForMs: 2_000 }));
    expect(r.statusText()).toContain('espeak: Active • Generating');
    r.onEvent(ev({ type: 'retry-scheduled', ...call, attempt: 2, delayMs: 1000, category: 'transient' }));
    r.onEvent(ev({ type: 'stage-complete', stage: 'narration', nextStage: 'visuals', durationMs: 1500 }));
    // Drop the in-place redraws (each starts with CR + erase line) to keep the permanent lines.
    const text = out.text.split('\r\x1b[2K').join('\n');
    expect(text).toContain(
      '⚠ espeak made no progress for 30 s on narration — Stall Suspected • Awaiting Response\n',
    );
    expect(text).toContain('• espeak is progressing again after 2 s\n');
    expect(text).toContain('↻ retrying espeak in 1 s (attempt 2)\n');
    expect(text).toContain('✓ narration (2 s, espeak)\n');
  });

  it('does not redraw while paused (a prompt is shown), and redraws on resume', () => {
    const out = new MemoryOutput(true, 200);
    const r = new ProgressRenderer(out);
    r.onEvent(ev({ type: 'progress', percentage: 10, stage: 'script', message: 'x' }));
    r.pause();
    const before = out.text.length;
    r.onEvent(ev({ type: 'progress', percentage: 12, stage: 'script', message: 'x' }));
    expect(out.text.length).toBe(before);
    r.resume();
    expect(out.text.slice(before)).toBe(`\r\x1b[2K${r.statusText()}`);
  });

  it('cuts the status line to the terminal width', () => {
    const out = new MemoryOutput(true, 40);
    const r = new ProgressRenderer(out);
    r.onEvent(ev({ type: 'progress', percentage: 30, stage: 'narration', message: 'x', etaSeconds: 99 }));
    const last = out.text.split('\r\x1b[2K').pop() ?? '';
    expect(last.length).toBe(39);
  });
});

describe('ProgressRenderer off a terminal', () => {
  it('prints plain lines: progress once per 10 % of overall progress, no control codes', () => {
    const out = new MemoryOutput(false);
    const r = new ProgressRenderer(out);
    for (const p of [1, 5, 9, 10, 19, 20, 20.5, 35])
      r.onEvent(ev({ type: 'progress', percentage: p, stage: 'script', message: `at ${p}` }));
    const lines = out.text.trim().split('\n');
    expect(lines.map((l) => l.match(/overall (\d+)%/)?.[1])).toEqual(['1', '10', '20', '35']);
    expect(out.text).not.toContain('\x1b');
    expect(lines[0]).toContain('at 1');
  });
});
