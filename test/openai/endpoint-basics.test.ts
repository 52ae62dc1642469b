import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, postChat, REPLY, readSse, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('OpenAI-compatible endpoint: healthy upstream', () => {
  it('answers non-streaming with model = deployment, usage and x-reelay headers', async () => {
    h = await startHarness({});
    const res = await postChat(h, chatBody(false));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-reelay-deployment')).toBe('a');
    expect(res.headers.get('x-reelay-attempts')).toBe('1');
    expect(res.headers.get('x-reelay-fallbacks')).toBe('0');
    expect(res.headers.get('x-correlation-id')).toBeTruthy();
    const body = (await res.json()) as {
      model: string;
      choices: Array<{ message: { content: string } }>;
      usage: { total_tokens: number };
    };
    expect(body.model).toBe('a');
    expect(body.choices[0]?.message.content).toBe(REPLY);
    expect(body.usage.total_tokens).toBeGreaterThan(0);
    expect(h.costs.spent({ provider: 'a' })).toBeGreaterThan(0);
  });

  it('streams with rewritten model, a usage chunk and [DONE]', async () => {
    h = await startHarness({});
    const res = await postChat(h, chatBody(true));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const { frames, text } = await readSse(res);
    expect(text).toBe(REPLY);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const usage = JSON.parse(frames.at(-2)?.data ?? '{}') as {
      usage?: { completion_tokens: number };
      model: string;
    };
    expect(usage.usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage.model).toBe('a');
  });

  it('lists groups and deployments at GET /v1/models', async () => {
    h = await startHarness({});
    const res = await fetch(`${h.url}/v1/models`);
    const body = (await res.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((m) => m.id)).toEqual(['chat', 'a', 'b', 'c']);
  });

  it('returns a 404 problem for an unknown model group and enforces the API key', async () => {
    h = await startHarness({}, undefined, {}, ['secret']);
    const unauth = await postChat(h, chatBody(false));
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('content-type')).toMatch(/problem\+json/);
    const res = await postChat(h, chatBody(false, 'nope'), { authorization: 'Bearer secret' });
    expect(res.status).toBe(404);
    const problem = (await res.json()) as { code: string; correlationId: string };
    expect(problem.code).toBe('REELAY_ERR_NOT_FOUND');
    expect(problem.correlationId).toBe(res.headers.get('x-correlation-id'));
  });

  it('404s an unknown /v1 path without the "turn it on" hint when the endpoint is on', async () => {
    h = await startHarness({});
    const res = await fetch(`${h.url}/v1/embeddings`, { method: 'POST' });
    expect(res.status).toBe(404);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('REELAY_ERR_NOT_FOUND');
    expect(problem.detail).toContain('/v1/embeddings');
    expect(problem.detail).not.toContain('modelGroups');
  });
});
