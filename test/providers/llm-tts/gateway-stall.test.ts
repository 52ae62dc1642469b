import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderTimeoutProfileLoader } from '../../../src/config/timeout-profile-loader.js';
import type { ReelayError } from '../../../src/domain/errors.js';
import type { Heartbeat } from '../../../src/domain/heartbeat.js';
import { sequentialIds } from '../../../src/domain/ids.js';
import type { ProviderCallContext } from '../../../src/domain/provider.js';
import type { GatewayEvent } from '../../../src/patience/gateway-types.js';
import { ProviderGateway } from '../../../src/patience/provider-gateway.js';
import { OllamaProvider } from '../../../src/providers/llm/ollama-provider.js';
import { OpenAiChatProvider } from '../../../src/providers/llm/openai-chat-provider.js';
import { MemoryAuditTrail } from '../../../src/state/memory/memory-audit-trail.js';
import { createOllamaFixture, OLLAMA_ROUTES } from '../../fixtures/llm-tts/ollama-fixture.js';
import { createOpenAiFixture, OPENAI_ROUTES } from '../../fixtures/llm-tts/openai-fixture.js';

// Real sockets + fake timers: only setTimeout/clearTimeout/Date are faked, so socket I/O and
// setImmediate keep running; the test waits for I/O with setImmediate, and for time with the clock.
const KEY = 'sk-test-gateway-0123456789abcdefgh';
const openai = createOpenAiFixture({ apiKey: KEY, tokens: ['a', 'b', 'c', 'd', 'e', 'f'] });
const ollama = createOllamaFixture();
const messages = [{ role: 'user' as const, content: 'Script please' }];

const io = () => new Promise<void>((resolve) => setImmediate(resolve));
async function untilIo(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !ready(); i += 1) await io();
  if (!ready()) throw new Error('condition not reached');
}

function gatewayWithEvents() {
  const gateway = new ProviderGateway({
    profiles: new ProviderTimeoutProfileLoader(),
    audit: new MemoryAuditTrail(),
    ids: sequentialIds(),
  });
  const events: GatewayEvent[] = [];
  gateway.onAny((e) => events.push(e));
  const count = (type: GatewayEvent['type']) => events.filter((e) => e.type === type).length;
  return { gateway, count };
}

/** Relays heartbeats to the gateway and counts them for the test. */
function relay(beats: Heartbeat[], ctx: ProviderCallContext): ProviderCallContext {
  return {
    signal: ctx.signal,
    heartbeat: (b) => {
      beats.push(b);
      ctx.heartbeat(b);
    },
  };
}

beforeAll(async () => {
  await openai.start();
  await ollama.start();
});
afterAll(async () => {
  await openai.stop();
  await ollama.stop();
});
beforeEach(() => {
  openai.reset();
  ollama.reset();
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => vi.useRealTimers());

describe('networked adapters under the ProviderGateway', () => {
  it('a stream that stalls after 2 tokens: stall at exactly 20 000 ms without progress (cloud_llm), call stopped, socket closed', async () => {
    openai.set(OPENAI_ROUTES.chat, { kind: 'stall', afterFrames: 3 }); // role chunk + 2 deltas
    const provider = new OpenAiChatProvider({ apiKey: KEY, baseUrl: `${openai.url}/v1` });
    const { gateway, count } = gatewayWithEvents();
    const beats: Heartbeat[] = [];
    const result = gateway
      .executeWithPatience({
        jobId: 'job-stall',
        providerName: 'OpenAI',
        providerType: 'cloud_llm',
        stage: 'script',
        correlationId: 'c-1',
        heartbeatKind: 'token_count',
        fallbackPolicy: 'off',
        operation: (ctx) => provider.chat({ messages }, relay(beats, ctx)),
      })
      .catch((e: ReelayError) => e);
    await untilIo(() => beats.length === 2);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(count('stall-suspected')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(count('stall-suspected')).toBe(1);
    const err = (await result) as ReelayError;
    expect(err).toMatchObject({ code: 'REELAY_ERR_STALLED', category: 'timeout' });
    await untilIo(() => openai.requests[0]?.clientClosedEarly === true);
    expect(openai.requests[0]?.clientClosedEarly).toBe(true);
  });

  it('a slow but steady stream (a token every 15 s, 90 s in all) is left alone', async () => {
    openai.set(OPENAI_ROUTES.chat, { kind: 'manual' });
    const provider = new OpenAiChatProvider({ apiKey: KEY, baseUrl: `${openai.url}/v1` });
    const { gateway, count } = gatewayWithEvents();
    const beats: Heartbeat[] = [];
    const result = gateway.executeWithPatience({
      jobId: 'job-slow',
      providerName: 'OpenAI',
      providerType: 'cloud_llm',
      stage: 'script',
      correlationId: 'c-2',
      heartbeatKind: 'token_count',
      fallbackPolicy: 'off',
      operation: (ctx) => provider.chat({ messages }, relay(beats, ctx)),
    });
    const stream = await openai.manual();
    stream.next(); // role chunk, no content
    for (let token = 1; token <= 6; token += 1) {
      await vi.advanceTimersByTimeAsync(15_000);
      stream.next();
      await untilIo(() => beats.length === token);
    }
    stream.finish();
    await expect(result).resolves.toMatchObject({ text: 'abcdef' });
    expect(count('stall-suspected')).toBe(0);
  });

  it('Ollama cold load under longForm: silent for 67 499 ms is patience; 67 500 ms is reported; the late answer still lands', async () => {
    ollama.set(OLLAMA_ROUTES.chat, { kind: 'manual' });
    const provider = new OllamaProvider({ baseUrl: ollama.url });
    const { gateway, count } = gatewayWithEvents();
    const beats: Heartbeat[] = [];
    const result = gateway.executeWithPatience({
      jobId: 'job-cold',
      providerName: 'Ollama',
      providerType: 'local_llm',
      stage: 'script',
      correlationId: 'c-3',
      heartbeatKind: 'token_count',
      patienceProfile: 'longForm',
      operation: (ctx) => provider.chat({ messages }, relay(beats, ctx)),
    });
    const stream = await ollama.manual();
    // local_llm: heartbeat 15 000 × stall 3 × longForm 1.5 = 67 500 ms before a stall is suspected.
    await vi.advanceTimersByTimeAsync(67_499);
    expect(count('stall-suspected')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(count('stall-suspected')).toBe(1); // reported only (no policy): the call goes on
    stream.finish();
    await expect(result).resolves.toMatchObject({ text: 'Hello from llama.' });
  });
});
