/**
 * Shared parts of the networked-fallback pipeline test: the fixture keys, the script the OpenAI
 * fixture streams, and checks on what a finished job left (fixture requests, checkpoints, the MP4,
 * no secrets in anything stored).
 */
import { expect } from 'vitest';
import type { StoredEvent } from '../../src/domain/events.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import type { JobRecord } from '../../src/jobs/job-record.js';
import { probeMedia } from '../../src/providers/media/ffprobe.js';
import type { FixtureServer, RecordedRequest } from '../fixtures/llm-tts/fixture-server.js';

/** The only key the OpenAI fixture accepts. */
export const OPENAI_KEY = 'sk-test-networked-0123456789abcdefgh';
/** The speech adapter's key was revoked: the fixture answers OpenAI's 401, echoing the key. */
export const REVOKED_KEY = 'sk-test-revoked-9876543210zyxwvuts';
/** The only key the ElevenLabs fixture accepts. */
export const XI_KEY = 'xi-test-networked-0123456789abcdefgh';

/** The script the OpenAI fixture streams back: three short scenes. */
export const SCRIPT = {
  title: 'Rainbows from raindrops',
  scenes: [
    {
      title: 'Sunlight meets rain',
      narration: 'Sunlight enters a raindrop and bends.',
      visual: 'A sunbeam hitting a falling raindrop',
      durationHintSeconds: 3,
    },
    {
      title: 'Inside the drop',
      narration: 'It reflects off the back of the drop.',
      visual: 'Light bouncing inside a water sphere',
      durationHintSeconds: 3,
    },
    {
      title: 'Colours appear',
      narration: 'Each colour leaves at its own angle.',
      visual: 'A rainbow arc over a green field',
      durationHintSeconds: 3,
    },
  ],
};
/** The narration of each scene, in order. */
export const NARRATIONS = SCRIPT.scenes.map((s) => s.narration);

/** The script's JSON cut into SSE content deltas, as a model streams it. */
export function tokensOf(text: string, size = 24): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; at += size) out.push(text.slice(at, at + size));
  return out;
}

/** Requests a fixture received on one route (`METHOD /path`). */
export function on(fx: FixtureServer, route: string): RecordedRequest[] {
  return fx.requests.filter((r) => `${r.method} ${r.path}` === route);
}

/** The provider of each checkpointed step whose id starts with `prefix` (`narration-`, `script`). */
export async function stepProviders(r: Reelay, jobId: string, prefix: string): Promise<string[]> {
  const steps = await r.stores.checkpoints.list(jobId);
  return steps.filter((s) => s.stepId.startsWith(prefix)).map((s) => String(s.meta.provider));
}

/** The finished MP4 is real: H.264 video of the requested size and AAC audio. */
export async function expectRealMp4(job: JobRecord): Promise<void> {
  expect(job.status, JSON.stringify(job.error)).toBe('done');
  const info = await probeMedia(job.output?.path ?? '');
  expect(info.video).toMatchObject({ codec: 'h264', width: 480, height: 270 });
  expect(info.audio?.codec).toBe('aac');
  expect(info.durationMs).toBeGreaterThan(3000);
}

/** Nothing the job stored (events, log, audit) carries an API key, even the echoed revoked one. */
export async function expectNoSecrets(r: Reelay, jobId: string, events: StoredEvent[]): Promise<void> {
  const stored = JSON.stringify([
    events,
    await r.stores.jobLogs.read(jobId, 10_000),
    await r.service.decisions(jobId),
    await r.service.getJob(jobId),
  ]);
  for (const key of [OPENAI_KEY, REVOKED_KEY, XI_KEY]) expect(stored).not.toContain(key);
}
