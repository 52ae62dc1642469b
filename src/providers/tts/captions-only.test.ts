import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../domain/heartbeat.js';
import { CaptionsOnlyProvider } from './captions-only.js';
import { readWavInfo } from './wav.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-captions-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const words = (n: number): string => Array.from({ length: n }, () => 'word').join(' ');

describe('CaptionsOnlyProvider', () => {
  const p = new CaptionsOnlyProvider();

  it('declares the provider spec', () => {
    expect([p.id, p.kind, p.profileType, p.priority]).toEqual([
      'captions-only',
      'tts',
      'fallback_provider',
      5,
    ]);
    expect(p.capabilities.offline).toBe(true);
    expect(p.costModel).toEqual({ unit: 'free', usdPerUnit: 0 });
  });

  it('estimates words ÷ words per minute, never under 1.5 s', () => {
    expect(p.estimateMs(words(150))).toBe(60_000);
    expect(p.estimateMs(words(130), 130)).toBe(60_000);
    expect(p.estimateMs(words(3))).toBe(1500); // 1200 ms → minimum
    expect(p.estimateMs(words(4))).toBe(1600);
    expect(p.estimateMs('')).toBe(1500);
  });

  it('writes a silent WAV of the estimated length and says it is silent', async () => {
    const beats: Heartbeat[] = [];
    const outPath = join(dir, 'n.wav');
    const r = await p.synthesize(
      { text: words(25), outPath, wordsPerMinute: 150 },
      { signal: new AbortController().signal, heartbeat: (b) => beats.push(b) },
    );
    expect(r).toMatchObject({ path: outPath, durationMs: 10_000, format: 'wav', silent: true });
    expect((await readWavInfo(outPath)).durationMs).toBe(10_000);
    expect(beats[0]?.chunks).toBe(1);
  });

  it('prefers the request’s estimated duration, still at least the minimum', async () => {
    const ctx = { signal: new AbortController().signal, heartbeat: () => {} };
    expect(
      (await p.synthesize({ text: 'x', outPath: join(dir, 'a.wav'), estimatedDurationMs: 4321 }, ctx))
        .durationMs,
    ).toBe(4321);
    expect(
      (await p.synthesize({ text: 'x', outPath: join(dir, 'b.wav'), estimatedDurationMs: 100 }, ctx))
        .durationMs,
    ).toBe(1500);
  });

  it('refuses to start when already aborted', async () => {
    await expect(
      p.synthesize(
        { text: 'x', outPath: join(dir, 'c.wav') },
        { signal: AbortSignal.abort(new Error('stop')), heartbeat: () => {} },
      ),
    ).rejects.toThrow('stop');
    expect((await p.healthCheck(new AbortController().signal)).healthy).toBe(true);
  });
});
