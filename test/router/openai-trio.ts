import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';
import type { ChatResult, LlmProvider } from '../../src/domain/provider.js';
import type { StageCall } from '../../src/pipeline/provider-runner.js';
import { OpenAiChatProvider } from '../../src/providers/llm/openai-chat-provider.js';
import { createOpenAiFixture } from '../fixtures/llm-tts/openai-fixture.js';
import { chatCall } from './router-harness.js';

/** The key every trio fixture accepts. */
export const TRIO_KEY = 'sk-test-router-0123456789abcdefgh';

/** The ids of the three providers, best priority first. */
export const TRIO_IDS = ['alpha', 'beta', 'gamma'] as const;

/** One of {@link TRIO_IDS}. */
export type TrioId = (typeof TRIO_IDS)[number];

/** Three OpenAI-compatible fixture servers (alpha, beta, gamma), each recording its requests. */
export const trioFixtures = {
  alpha: createOpenAiFixture({ apiKey: TRIO_KEY }),
  beta: createOpenAiFixture({ apiKey: TRIO_KEY }),
  gamma: createOpenAiFixture({ apiKey: TRIO_KEY }),
};

/** Starts the three fixtures (call in beforeAll). */
export async function startTrio(): Promise<void> {
  for (const id of TRIO_IDS) await trioFixtures[id].start();
}

/** Stops the three fixtures (call in afterAll). */
export async function stopTrio(): Promise<void> {
  for (const id of TRIO_IDS) await trioFixtures[id].stop();
}

/** Forgets scenarios and recorded requests of the three fixtures. */
export function resetTrio(): void {
  for (const id of TRIO_IDS) trioFixtures[id].reset();
}

/**
 * Real OpenAI chat adapters in front of the fixtures, priorities 1, 2, 3 (cloud_llm patience,
 * streaming with a token heartbeat per delta). `baseUrls` overrides where one points (a dead port).
 */
export function trioProviders(baseUrls: Partial<Record<TrioId, string>> = {}): OpenAiChatProvider[] {
  return TRIO_IDS.map(
    (id, index) =>
      new OpenAiChatProvider({
        id,
        displayName: id[0]?.toUpperCase() + id.slice(1),
        apiKey: TRIO_KEY,
        baseUrl: baseUrls[id] ?? `${trioFixtures[id].url}/v1`,
        priority: index + 1,
        costModel: { unit: 'free', usdPerUnit: 0 },
      }),
  );
}

/** One adapter call the router made: which provider, and when (fake ms since the test's T0). */
export interface LoggedCall {
  provider: string;
  at: number;
}

/**
 * A `script` stage call that logs every adapter call the router makes (provider and fake time)
 * and counts the heartbeats the adapter pushes.
 */
export function loggedChatCall(
  t0: number,
  overrides: Partial<StageCall<ChatResult, LlmProvider>> = {},
): { call: StageCall<ChatResult, LlmProvider>; log: LoggedCall[]; beats: () => number } {
  const log: LoggedCall[] = [];
  let beats = 0;
  const call = chatCall({
    call: (provider, ctx) => {
      log.push({ provider: provider.id, at: Date.now() - t0 });
      return provider.chat(
        { messages: [{ role: 'user', content: 'Write the script' }] },
        {
          signal: ctx.signal,
          heartbeat: (beat) => {
            beats += 1;
            ctx.heartbeat(beat);
          },
        },
      );
    },
    ...overrides,
  });
  return { call, log, beats: () => beats };
}

/** One turn of the event loop: lets real socket I/O progress while timers are fake. */
export const io = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets real I/O run until `ready` holds; for socket events only, never for timing. */
export async function untilIo(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !ready(); i += 1) await io();
  if (!ready()) throw new Error('condition not reached');
}

/** The fake start time of the trio tests. */
export const TRIO_T0 = Date.UTC(2026, 4, 1, 9, 0, 0);

/**
 * Registers the trio's lifecycle for a test file: servers started once, reset before each test,
 * fake time from {@link TRIO_T0}. Real sockets, fake time: only setTimeout/clearTimeout/Date are
 * faked, so socket I/O and setImmediate keep running; tests wait for I/O with setImmediate and for
 * time with the clock.
 */
export function useTrioWithFakeTime(): void {
  beforeAll(startTrio);
  afterAll(stopTrio);
  beforeEach(() => {
    resetTrio();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(TRIO_T0);
  });
  afterEach(() => vi.useRealTimers());
}
