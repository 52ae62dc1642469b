/**
 * Issue 5's pipeline test with the REAL networked adapters: the job chooses `openai` (an
 * OpenAiChatProvider) for the script and `elevenlabs` (an ElevenLabsProvider) for the narration,
 * both pointed at the local protocol fixtures, which fail mid-job. Under `auto` the narration
 * falls to `openai-speech` (an OpenAiSpeechProvider at the OpenAI fixture, with a revoked key)
 * and then to the offline espeak-ng; under `ask` the job waits for the answer given through the
 * service; a chat stream that stalls under `auto` (tiny cloud_llm thresholds from a profile file)
 * switches to the offline template writer. Every job ends in a real MP4 (FFmpeg) and a correct
 * audit trail.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FallbackPolicy } from '../../src/domain/fallback.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { parseScript } from '../../src/pipeline/script-schema.js';
import { OpenAiChatProvider } from '../../src/providers/llm/openai-chat-provider.js';
import { ElevenLabsProvider } from '../../src/providers/tts/elevenlabs-provider.js';
import { OpenAiSpeechProvider } from '../../src/providers/tts/openai-speech-provider.js';
import {
  createElevenLabsFixture,
  ELEVENLABS_ROUTES,
  elevenLabsErrors,
} from '../fixtures/llm-tts/elevenlabs-fixture.js';
import { createOpenAiFixture, OPENAI_ROUTES } from '../fixtures/llm-tts/openai-fixture.js';
import {
  ESPEAK_ONLY,
  ofType,
  removeDir,
  smallRequest,
  startReelay,
  tempDir,
  waitForEnd,
  waitForEvent,
  within,
  writeTinyCloudLlmProfile,
} from '../support/pipeline-harness.js';
import {
  expectNoSecrets,
  expectRealMp4,
  NARRATIONS,
  OPENAI_KEY,
  on,
  REVOKED_KEY,
  SCRIPT,
  stepProviders,
  tokensOf,
  XI_KEY,
} from './networked-harness.js';

const openaiFx = createOpenAiFixture({ apiKey: OPENAI_KEY, tokens: tokensOf(JSON.stringify(SCRIPT)) });
const elevenFx = createElevenLabsFixture({ apiKey: XI_KEY, msPerChar: 60 });
const ELEVEN_SPEECH = 'POST /v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream';

let dir: string;
let reelay: Reelay | undefined;
/** Token counts of the sampled `openai` heartbeat events seen live (the event log keeps none). */
let openaiTokens: Array<number | undefined>;

beforeAll(async () => {
  await openaiFx.start();
  await elevenFx.start();
});
afterAll(async () => {
  await openaiFx.stop();
  await elevenFx.stop();
});
beforeEach(async () => {
  openaiFx.reset();
  elevenFx.reset();
  dir = await tempDir('reelay-networked-');
});
afterEach(async () => {
  await reelay?.close();
  reelay = undefined;
  await removeDir(dir);
});

/**
 * A container whose extra providers are the three networked adapters at the fixtures.
 * `openai-speech` gets priority 2: at its default 3 the free espeak outscores it (last test).
 */
async function start(env: NodeJS.ProcessEnv = {}, speechPriority = 2): Promise<Reelay> {
  reelay = await startReelay(dir, {
    env,
    offline: ESPEAK_ONLY,
    providers: [
      new OpenAiChatProvider({ apiKey: OPENAI_KEY, baseUrl: `${openaiFx.url}/v1` }),
      new ElevenLabsProvider({ apiKey: XI_KEY, baseUrl: elevenFx.url }),
      new OpenAiSpeechProvider({
        apiKey: REVOKED_KEY,
        baseUrl: `${openaiFx.url}/v1`,
        priority: speechPriority,
      }),
    ],
  });
  openaiTokens = [];
  reelay.kit.gateway.onAny((e) => {
    if (e.type === 'heartbeat' && e.provider === 'openai') openaiTokens.push(e.heartbeat.tokens);
  });
  return reelay;
}

/** ElevenLabs serves scene 1 with real PCM, then says the quota is used up (no retries). */
function elevenLabsFailsAfterScene1(): void {
  elevenFx.set(ELEVENLABS_ROUTES.stream, elevenLabsErrors.quota);
  elevenFx.setOnce(ELEVENLABS_ROUTES.stream, { kind: 'ok' });
}

function submit(r: Reelay, policy: FallbackPolicy, providers = { llm: 'openai', tts: 'elevenlabs' }) {
  return r.service.submit(
    smallRequest({ durationMinutes: 0.15, fallbackPolicy: policy, providers, options: { subtitles: false } }),
  );
}

/** Texts sent to the speech endpoints, in order. */
const elevenTexts = (): string[] =>
  on(elevenFx, ELEVEN_SPEECH).map((r) => String((r.body as { text?: string }).text));
const speechTexts = (): string[] =>
  on(openaiFx, OPENAI_ROUTES.speech).map((r) => String((r.body as { input?: string }).input));

describe('networked providers failing mid-job', () => {
  it('auto: elevenlabs (quota) → openai-speech (revoked key) → espeak, recorded, sticky, real MP4', async () => {
    const r = await start();
    elevenLabsFailsAfterScene1();
    // What the scores say before the job: the ranking the automatic switches must follow.
    const ranked = r.kit.router.alternatives('probe', 'narration', 'elevenlabs', ['captions-only']);
    expect(ranked.map((a) => a.provider)).toEqual(['openai-speech', 'espeak']);
    const [speechScore, espeakScore] = ranked.map((a) => Math.round(a.score));

    const job = await submit(r, 'auto');
    const { job: end, events } = await waitForEnd(r, job.id);
    await expectRealMp4(end);

    // The script came from the OpenAI fixture, streamed, with the key in the bearer header.
    const chats = on(openaiFx, OPENAI_ROUTES.chat);
    expect(chats).toHaveLength(1);
    expect(chats[0]?.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(chats[0]?.body).toMatchObject({ model: 'gpt-4o-mini', stream: true });
    expect(await stepProviders(r, job.id, 'script')).toEqual(['openai']);
    const script = parseScript(await readFile(join(r.config.dataDir, 'jobs', job.id, 'script.json'), 'utf8'));
    expect(script.title).toBe(SCRIPT.title);
    const written = (await r.stores.jobLogs.read(job.id, 10_000)).find((l) =>
      l.message.startsWith('Script written by openai'),
    );
    expect(written?.fields).toMatchObject({ scenes: 3, tokens: tokensOf(JSON.stringify(SCRIPT)).length });

    const decisions = await r.service.decisions(job.id);
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({
      fromProvider: 'elevenlabs',
      toProvider: 'openai-speech',
      reason: 'AUTO_AFTER_ERROR',
      errorCategory: 'quota_exceeded',
      userConfirmed: false,
      stages: ['narration'],
      correlationId: job.correlationId,
    });
    expect(decisions[0]?.context).toContain(`scene 2 of 3: score ${speechScore}`);
    expect(decisions[1]).toMatchObject({
      fromProvider: 'openai-speech',
      toProvider: 'espeak',
      reason: 'AUTO_AFTER_ERROR',
      errorCategory: 'authentication',
      userConfirmed: false,
      stages: ['narration'],
    });
    expect(decisions[1]?.context).toContain(`scene 2 of 3: score ${espeakScore}`);
    expect(ofType(events, 'fallback-decision').map((e) => e.decision.id)).toEqual(decisions.map((d) => d.id));

    // Scene 1 by ElevenLabs; scene 2 tried ElevenLabs then OpenAI speech once each; espeak after.
    expect(await stepProviders(r, job.id, 'narration-')).toEqual(['elevenlabs', 'espeak', 'espeak']);
    expect(elevenTexts()).toEqual([NARRATIONS[0], NARRATIONS[1]]);
    expect(on(elevenFx, ELEVEN_SPEECH).every((q) => q.headers['xi-api-key'] === XI_KEY)).toBe(true);
    expect(speechTexts()).toEqual([NARRATIONS[1]]);
    const errors = ofType(events, 'hard-error').map((e) => [e.provider, e.category, e.retryable]);
    expect(errors).toEqual([
      ['elevenlabs', 'quota_exceeded', false],
      ['openai-speech', 'authentication', false],
    ]);
    expect(ofType(events, 'retry-scheduled')).toEqual([]);
    await expectNoSecrets(r, job.id, events);
  }, 60_000);

  it('ask: decision-required after the quota error, nothing called while pending, espeak on the answer', async () => {
    const r = await start();
    elevenLabsFailsAfterScene1();
    const job = await submit(r, 'ask');
    const required = await waitForEvent(r.service, job.id, (e) => e.type === 'decision-required', 'decision');
    if (required.type !== 'decision-required') throw new Error('unreachable');
    expect(required).toMatchObject({ provider: 'elevenlabs', stage: 'narration', trigger: 'error' });
    expect(required.error).toMatchObject({
      provider: 'elevenlabs',
      category: 'quota_exceeded',
      retryable: false,
    });
    expect(required.error?.message).toContain('quota');
    expect(required.options).toContain('try_alternative');
    const offered = required.alternatives.map((a) => a.provider);
    expect(offered).toEqual(['openai-speech', 'espeak', 'captions-only']);

    // While the question is open nothing is called and nothing is switched.
    const counts = () => [openaiFx.requests.length, elevenFx.requests.length];
    const atQuestion = counts();
    expect(elevenTexts()).toEqual([NARRATIONS[0], NARRATIONS[1]]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // absence can only be shown by waiting
    expect(counts()).toEqual(atQuestion);
    expect((await r.service.pendingDecision(job.id))?.decisionId).toBe(required.decisionId);
    expect(await r.service.decisions(job.id)).toEqual([]);
    const soFar = await r.service.readEvents(job.id, required.id);
    expect(ofType(soFar, 'request-start')).toEqual([]);

    await r.service.answerDecision(job.id, { option: 'try_alternative', provider: 'espeak' });
    const { job: end, events } = await waitForEnd(r, job.id);
    await expectRealMp4(end);
    const decisions = await r.service.decisions(job.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      fromProvider: 'elevenlabs',
      toProvider: 'espeak',
      reason: 'PROVIDER_FATAL_ERROR',
      userConfirmed: true,
      errorCategory: 'quota_exceeded',
      stages: ['narration'],
    });
    expect(ofType(events, 'decision-answered')).toMatchObject([
      { decisionId: required.decisionId, option: 'try_alternative', provider: 'espeak' },
    ]);
    expect(await stepProviders(r, job.id, 'narration-')).toEqual(['elevenlabs', 'espeak', 'espeak']);
    expect(elevenTexts()).toEqual([NARRATIONS[0], NARRATIONS[1]]);
    expect(speechTexts()).toEqual([]);
    expect(await r.service.pendingDecision(job.id)).toBeNull();
    await expectNoSecrets(r, job.id, events);
  }, 60_000);

  it('auto: a chat stream stalling after two tokens switches to the template writer (AUTO_AFTER_STALL)', async () => {
    // cloud_llm patience shrunk to a 200 ms heartbeat × 2: a stall is 400 ms without a token.
    const profilePath = await writeTinyCloudLlmProfile(dir, 'tiny thresholds for the stall test');
    const r = await start({ REELAY_TIMEOUT_PROFILES: profilePath });
    openaiFx.set(OPENAI_ROUTES.chat, { kind: 'stall', afterFrames: 3 }); // role chunk + 2 deltas

    const job = await submit(r, 'auto', { llm: 'openai', tts: 'espeak' });
    const { job: end, events } = await waitForEnd(r, job.id);
    await expectRealMp4(end);

    const stalls = ofType(events, 'stall-suspected');
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toMatchObject({ provider: 'openai', stage: 'script', thresholdMs: 400 });
    expect(stalls[0]?.sinceProgressMs).toBeGreaterThanOrEqual(400);
    // Progress was pushed before the stall (heartbeat events are sampled: the first one at least).
    expect(openaiTokens[0]).toBe(1);
    expect(openaiTokens.every((n) => n !== undefined && n <= 2)).toBe(true);

    const decisions = await r.service.decisions(job.id);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      fromProvider: 'openai',
      toProvider: 'template',
      reason: 'AUTO_AFTER_STALL',
      userConfirmed: false,
    });
    expect(decisions[0]?.context).toMatch(/no progress for \d+ s; template scored \d+\/100/);
    expect(decisions[0]?.elapsedBeforeSwitchMs).toBeGreaterThanOrEqual(400);
    expect(await stepProviders(r, job.id, 'script')).toEqual(['template']);

    // One chat request, and the switch closed its stalled connection.
    const chats = on(openaiFx, OPENAI_ROUTES.chat);
    expect(chats).toHaveLength(1);
    await within(
      chats[0]?.closedEarly ?? Promise.reject(new Error('no chat')),
      2000,
      'the stalled socket to close',
    );
    expect(chats[0]?.clientClosedEarly).toBe(true);
    await expectNoSecrets(r, job.id, events);
  }, 60_000);

  it('the scores: at its default priority 3 the priced openai-speech ranks below the free espeak', async () => {
    const r = await start({}, 3);
    const { candidates } = r.kit.selection.selectProviders({
      kind: 'tts',
      stage: 'narration',
      jobId: 'probe',
      exclude: ['elevenlabs', 'captions-only'],
    });
    expect(candidates.map((c) => c.provider)).toEqual(['espeak', 'openai-speech']);
    const [espeak, speech] = candidates;
    // Only base and cost differ: base 30/75 × 20 + cost 15/15 × 10 = 18 for espeak against
    // 45/75 × 20 + 7.5/15 × 10 = 17 for openai-speech; every other component is the no-data default.
    const weighted = (c: typeof espeak, name: 'base' | 'cost') =>
      Math.round((c?.components[name].weighted ?? 0) * 1e6) / 1e6;
    expect([weighted(espeak, 'base'), weighted(espeak, 'cost')]).toEqual([8, 10]);
    expect([weighted(speech, 'base'), weighted(speech, 'cost')]).toEqual([12, 5]);
    expect((espeak?.score ?? 0) - (speech?.score ?? 0)).toBeCloseTo(1, 9);
  });
});
