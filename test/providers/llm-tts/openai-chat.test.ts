import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../../src/domain/logger.js';
import { OpenAiChatProvider } from '../../../src/providers/llm/openai-chat-provider.js';
import { createOpenAiFixture, OPENAI_ROUTES, openAiErrors } from '../../fixtures/llm-tts/openai-fixture.js';
import { closedPortUrl } from '../../support/closed-port.js';
import { callContext as ctx, failure } from './helpers.js';

const KEY = 'sk-test-openai-0123456789abcdefghij';
const fx = createOpenAiFixture({ apiKey: KEY });
const logger = new MemoryLogger();
const messages = [{ role: 'user' as const, content: 'Say hello' }];

function provider(
  options: Partial<ConstructorParameters<typeof OpenAiChatProvider>[0]> = {},
): OpenAiChatProvider {
  return new OpenAiChatProvider({ apiKey: KEY, baseUrl: `${fx.url}/v1`, logger, ...options });
}

beforeAll(async () => {
  await fx.start();
});
afterAll(() => fx.stop());
beforeEach(() => fx.reset());

describe('OpenAiChatProvider against the OpenAI fixture', () => {
  it('streams: text, a token heartbeat per delta, usage from the usage chunk, finish reason, request shape', async () => {
    const { beats, call } = ctx();
    const result = await provider().chat({ messages, json: true, temperature: 0.2, maxTokens: 50 }, call);
    expect(result).toEqual({
      text: 'Hello, world!',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 12, outputTokens: 4 },
      finishReason: 'stop',
    });
    expect(beats).toEqual([{ tokens: 1 }, { tokens: 2 }, { tokens: 3 }, { tokens: 4 }]);
    const req = fx.requests[0];
    expect(req?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req?.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      response_format: { type: 'json_object' },
      temperature: 0.2,
      max_tokens: 50,
    });
  });

  it('non-stream mode reads the whole completion and sends no stream options', async () => {
    const { beats, call } = ctx();
    const result = await provider({ stream: false }).chat({ messages }, call);
    expect(result.text).toBe('Hello, world!');
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 4 });
    expect(beats).toEqual([{ tokens: 4 }]);
    expect(fx.requests[0]?.body).toMatchObject({ stream: false });
    expect(fx.requests[0]?.body).not.toHaveProperty('stream_options');
    expect(fx.requests[0]?.body).not.toHaveProperty('response_format');
  });

  it.each([
    [
      '401 invalid key',
      openAiErrors.unauthorized(KEY),
      'authentication',
      false,
      /Invalid API key for OpenAI.*OPENAI_API_KEY/,
    ],
    ['403 forbidden', openAiErrors.forbidden, 'authentication', false, /OpenAI/],
    [
      '404 model',
      openAiErrors.modelNotFound('gpt-4o-mini'),
      'api_failure',
      false,
      /does not offer model gpt-4o-mini/,
    ],
    ['400 context length', openAiErrors.contextLength, 'processing_error', false, /context window/],
    ['400 content policy', openAiErrors.contentPolicy, 'quality_failure', false, /policy/],
    ['429 quota', openAiErrors.quota, 'quota_exceeded', false, /quota/],
    ['500', openAiErrors.serverError, 'api_failure', true, /server error/],
    ['503', openAiErrors.overloaded, 'provider_overload', true, /overloaded/],
  ])('%s → %s (retryable %s) with a clear message', async (_name, scenario, category, retryable, message) => {
    fx.set(OPENAI_ROUTES.chat, scenario);
    const err = await failure(provider().chat({ messages }, ctx().call));
    expect(err.category).toBe(category);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toMatch(message);
    expect(err.provider).toBe('OpenAI');
    expect(err.message).not.toContain(KEY);
  });

  it('429 rate limit: Retry-After parsed (20 s wins over the x-ratelimit reset headers)', async () => {
    fx.set(OPENAI_ROUTES.chat, openAiErrors.rateLimited);
    const err = await failure(provider().chat({ messages }, ctx().call));
    expect(err).toMatchObject({ category: 'rate_limit', retryable: true, retryAfterMs: 20_000 });
  });

  it('a wrong key is rejected by the server and never appears in errors or logs', async () => {
    const wrong = 'sk-wrong-key-abcdefghijklmnopqrstuv';
    logger.records.length = 0;
    const err = await failure(provider({ apiKey: wrong }).chat({ messages }, ctx().call));
    expect(err.category).toBe('authentication');
    expect(fx.requests[0]?.headers.authorization).toBe(`Bearer ${wrong}`);
    const everything = JSON.stringify({ m: err.message, j: err.toJSON(), logs: logger.records });
    expect(everything).not.toContain(wrong);
    expect(logger.records.length).toBeGreaterThan(0);
  });

  it('a connection reset mid-stream is a retryable network_error', async () => {
    fx.set(OPENAI_ROUTES.chat, { kind: 'reset', afterFrames: 2 });
    const err = await failure(provider().chat({ messages }, ctx().call));
    expect(err).toMatchObject({ category: 'network_error', retryable: true });
  });

  it('a malformed chunk is a processing_error', async () => {
    fx.set(OPENAI_ROUTES.chat, { kind: 'malformed', afterFrames: 2 });
    const err = await failure(provider().chat({ messages }, ctx().call));
    expect(err.category).toBe('processing_error');
  });

  it('aborting mid-stream closes the socket on the server side', async () => {
    fx.set(OPENAI_ROUTES.chat, { kind: 'stall', afterFrames: 2 });
    const ac = new AbortController();
    const { beats, call } = ctx(ac.signal);
    const pending = failure(provider().chat({ messages }, call));
    while (beats.length < 1) await new Promise((r) => setTimeout(r, 1));
    ac.abort();
    const err = await pending;
    expect(err.category).toBe('timeout');
    await fx.requests[0]?.closedEarly;
    expect(fx.requests[0]?.clientClosedEarly).toBe(true);
  });

  it('keeps a ReelayError abort reason unchanged (the gateway decides what an abort means)', async () => {
    fx.set(OPENAI_ROUTES.chat, { kind: 'stall', afterFrames: 1 });
    const ac = new AbortController();
    const pending = failure(provider().chat({ messages }, ctx(ac.signal).call));
    await new Promise((r) => setTimeout(r, 20));
    const { ReelayError } = await import('../../../src/domain/errors.js');
    const reason = new ReelayError('REELAY_ERR_CANCELED', 'Job canceled by the user', {
      category: 'timeout',
    });
    ac.abort(reason);
    expect(await pending).toBe(reason);
  });

  it('serves any compatible server without a key (no Authorization header)', async () => {
    const open = createOpenAiFixture({ apiKey: 'unused' });
    await open.start();
    try {
      const p = new OpenAiChatProvider({ baseUrl: `${open.url}/v1`, profileType: 'local_llm' });
      const err = await failure(p.chat({ messages }, ctx().call));
      expect(open.requests[0]?.headers.authorization).toBeUndefined();
      expect(err.category).toBe('authentication');
      expect(p.profileType).toBe('local_llm');
    } finally {
      await open.stop();
    }
  });

  it('health: healthy with the model listed; unhealthy with the key message on 401; unhealthy for an unknown model', async () => {
    expect(await provider().healthCheck(new AbortController().signal)).toMatchObject({
      healthy: true,
      message: '2 models available; gpt-4o-mini ready',
    });
    const bad = await provider({ apiKey: 'sk-bad-0000000000000000000000' }).healthCheck(
      new AbortController().signal,
    );
    expect(bad.healthy).toBe(false);
    expect(bad.message).toMatch(/Invalid API key for OpenAI/);
    expect(bad.message).not.toContain('sk-bad-0000000000000000000000');
    const missing = await provider({ model: 'gpt-9' }).healthCheck(new AbortController().signal);
    expect(missing).toMatchObject({ healthy: false });
    expect(missing.message).toMatch(/does not offer model gpt-9/);
  });

  it('health: unreachable server is unhealthy, not a throw', async () => {
    const report = await new OpenAiChatProvider({
      apiKey: KEY,
      baseUrl: `${await closedPortUrl()}/v1`,
    }).healthCheck(new AbortController().signal);
    expect(report.healthy).toBe(false);
    expect(report.message).toMatch(/OpenAI is not reachable at .*connection refused/);
  });
});
