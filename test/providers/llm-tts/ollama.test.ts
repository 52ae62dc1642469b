import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OllamaProvider } from '../../../src/providers/llm/ollama-provider.js';
import { createOllamaFixture, OLLAMA_ROUTES, ollamaErrors } from '../../fixtures/llm-tts/ollama-fixture.js';
import { closedPortUrl } from '../../support/closed-port.js';
import { callContext, failure, until } from './helpers.js';

const fx = createOllamaFixture({ installed: ['llama3.1:latest', 'qwen2.5:7b'] });
const messages = [{ role: 'user' as const, content: 'Write a script' }];
const provider = (options: ConstructorParameters<typeof OllamaProvider>[0] = {}) =>
  new OllamaProvider({ baseUrl: fx.url, ...options });

beforeAll(async () => {
  await fx.start();
});
afterAll(() => fx.stop());
beforeEach(() => fx.reset());

describe('OllamaProvider against the Ollama fixture', () => {
  it('streams NDJSON: text, one token heartbeat per line, usage from eval counts, json format', async () => {
    const { beats, call } = callContext();
    const result = await provider().chat({ messages, json: true, maxTokens: 64, temperature: 0.1 }, call);
    expect(result).toEqual({
      text: 'Hello from llama.',
      model: 'llama3.1',
      usage: { inputTokens: 26, outputTokens: 4 },
      finishReason: 'stop',
    });
    expect(beats.map((b) => b.tokens)).toEqual([1, 2, 3, 4]);
    expect(fx.requests[0]?.body).toEqual({
      model: 'llama3.1',
      messages,
      stream: true,
      format: 'json',
      options: { temperature: 0.1, num_predict: 64 },
    });
  });

  it('non-stream mode reads one JSON answer', async () => {
    const { beats, call } = callContext();
    const result = await provider({ stream: false }).chat({ messages, model: 'qwen2.5:7b' }, call);
    expect(result.text).toBe('Hello from llama.');
    expect(result.model).toBe('qwen2.5:7b');
    expect(beats).toEqual([{ tokens: 4 }]);
  });

  it('is free, offline, local_llm with token heartbeats', () => {
    const p = provider();
    expect(p.costModel).toEqual({ unit: 'free', usdPerUnit: 0 });
    expect(p.capabilities).toMatchObject({ offline: true, heartbeat: 'token_count' });
    expect(p.profileType).toBe('local_llm');
    expect(p.priority).toBe(3);
  });

  it('a missing model: api_failure, not retryable, with the pull hint', async () => {
    const err = await failure(provider({ model: 'mistral' }).chat({ messages }, callContext().call));
    expect(err).toMatchObject({ category: 'api_failure', retryable: false });
    expect(err.message).toBe(
      `Model mistral is not available in Ollama at ${fx.url}: run \`ollama pull mistral\`.`,
    );
  });

  it.each([
    ['500 runner crash', ollamaErrors.serverError, 'api_failure', true],
    ['503 busy', ollamaErrors.overloaded, 'provider_overload', true],
    ['400 bad request', ollamaErrors.badRequest, 'processing_error', false],
  ])('%s → %s', async (_n, scenario, category, retryable) => {
    fx.set(OLLAMA_ROUTES.chat, scenario);
    const err = await failure(provider().chat({ messages }, callContext().call));
    expect(err).toMatchObject({ category, retryable, provider: 'Ollama' });
  });

  it('connection refused: "Ollama is not running at <url>", network_error, retryable', async () => {
    const down = await closedPortUrl();
    const err = await failure(provider({ baseUrl: down }).chat({ messages }, callContext().call));
    expect(err).toMatchObject({ category: 'network_error', retryable: true });
    expect(err.message).toBe(`Ollama is not running at ${down}: start it with \`ollama serve\`.`);
  });

  it('an unknown host (DNS failure): "Ollama is not running at <url>", with the reason and the code', async () => {
    const nowhere = 'http://reelay-no-such-host.invalid:11434';
    const err = await failure(provider({ baseUrl: nowhere }).chat({ messages }, callContext().call));
    expect(err).toMatchObject({ category: 'network_error' });
    expect(err.message).toMatch(
      /^Ollama is not running at http:\/\/reelay-no-such-host\.invalid:11434 \(the host name (does not resolve|could not be resolved), (ENOTFOUND|EAI_AGAIN)\): start it with `ollama serve`, or check the address\.$/,
    );
  });

  it('an error line inside the stream fails the call as api_failure', async () => {
    fx.set(OLLAMA_ROUTES.chat, { kind: 'malformed', afterFrames: 2 });
    const err = await failure(provider().chat({ messages }, callContext().call));
    expect(err.category).toBe('processing_error');
  });

  it('a reset mid-stream is a network_error; a stream without done:true is not accepted', async () => {
    fx.set(OLLAMA_ROUTES.chat, { kind: 'reset', afterFrames: 2 });
    expect((await failure(provider().chat({ messages }, callContext().call))).category).toBe('network_error');
  });

  it('aborting while the model is silent (cold load) closes the socket on the server', async () => {
    fx.set(OLLAMA_ROUTES.chat, { kind: 'stall', afterFrames: 0 });
    const ac = new AbortController();
    const pending = failure(provider().chat({ messages }, callContext(ac.signal).call));
    await until(() => fx.requests.length === 1);
    ac.abort();
    expect((await pending).category).toBe('timeout');
    await fx.requests[0]?.closedEarly;
    expect(fx.requests[0]?.clientClosedEarly).toBe(true);
  });

  it('health: lists models; missing model is unhealthy with the pull hint; not running is unhealthy', async () => {
    const signal = new AbortController().signal;
    expect(await provider().healthCheck(signal)).toMatchObject({
      healthy: true,
      message: '2 models installed; llama3.1 ready',
    });
    expect(await provider().listModels(signal)).toEqual(['llama3.1:latest', 'qwen2.5:7b']);
    const missing = await provider({ model: 'phi3' }).healthCheck(signal);
    expect(missing).toMatchObject({
      healthy: false,
      message: `Model phi3 is not available in Ollama at ${fx.url}: run \`ollama pull phi3\`.`,
    });
    const down = await provider({ baseUrl: await closedPortUrl() }).healthCheck(signal);
    expect(down.healthy).toBe(false);
    expect(down.message).toMatch(/^Ollama is not running/);
  });
});
