import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, REPLY, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function client(harness: Harness): OpenAI {
  return new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'reelay-key', maxRetries: 0 });
}

const messages = [{ role: 'user' as const, content: 'Say the sentence.' }];

describe('the official openai SDK, unchanged', () => {
  it('non-streaming, with a failover behind it', async () => {
    h = await startHarness({ faults: [{ kind: 'server_error', model: 'sim-a' }] }, undefined, {}, [
      'reelay-key',
    ]);
    const { data, response } = await client(h)
      .chat.completions.create({ model: 'chat', messages })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(REPLY);
    expect(data.model).toBe('b');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-reelay-fallbacks')).toBe('1');
  });

  it('streaming, with a mid-stream recovery behind it', async () => {
    h = await startHarness({ faults: [{ kind: 'cut', afterChunks: 3, model: 'sim-a' }] }, undefined, {}, [
      'reelay-key',
    ]);
    const stream = await client(h).chat.completions.create({
      model: 'chat',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(REPLY);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('surfaces a content-policy refusal as the provider error', async () => {
    h = await startHarness({ faults: [{ kind: 'content_policy' }] }, undefined, {}, ['reelay-key']);
    const error = await client(h)
      .chat.completions.create({ model: 'chat', messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_policy_violation');
  });

  it('throws on a stream that could not be recovered (never a clean end)', async () => {
    h = await startHarness({ faults: [{ kind: 'cut', afterChunks: 2, model: 'sim-a' }] }, undefined, {}, [
      'reelay-key',
    ]);
    const stream = await client(h).chat.completions.create(
      { model: 'chat', messages, stream: true },
      { headers: { 'x-reelay-stream-recovery': 'off' } },
    );
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe('The quick');
  });
});
