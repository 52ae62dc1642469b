import { afterEach, describe, expect, it } from 'vitest';
import { FaultPlan } from './fault-plan.js';
import { type FaultSimulator, startFaultSimulator } from './fault-simulator.js';
import { parseScenario } from './scenario-schema.js';

let sim: FaultSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${sim?.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('fault simulator protocols', () => {
  it('speaks Ollama (NDJSON stream and JSON)', async () => {
    sim = await startFaultSimulator({ scenario: { reply: 'Hello there world' } });
    const streamed = await (
      await post('/api/chat', { model: 'llama', messages: [{ role: 'user', content: 'hi' }] })
    ).text();
    const lines = streamed
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { message: { content: string }; done: boolean });
    expect(lines.map((l) => l.message.content).join('')).toBe('Hello there world');
    expect(lines.at(-1)?.done).toBe(true);
    const json = (await (
      await post('/api/generate', { model: 'llama', prompt: 'hi', stream: false })
    ).json()) as { response: string };
    expect(json.response).toBe('Hello there world');
  });

  it('cuts an Ollama stream after N chunks, and a timed stall only delays it', async () => {
    sim = await startFaultSimulator({
      scenario: { reply: 'one two three four', faults: [{ kind: 'cut', afterChunks: 2, times: 1 }] },
    });
    const chat = { model: 'llama', messages: [{ role: 'user', content: 'hi' }] };
    const cut = await post('/api/chat', chat);
    const read = await cut.text().then(
      (text) => text,
      () => 'cut',
    );
    expect(read === 'cut' || read.trim().split('\n').length === 2).toBe(true);
    await sim.close();
    sim = await startFaultSimulator({
      scenario: { reply: 'one two three', faults: [{ kind: 'stall', afterChunks: 1, ms: 5 }] },
    });
    const lines = (await (await post('/api/chat', chat)).text()).trim().split('\n');
    expect(
      lines.map((l) => (JSON.parse(l) as { message: { content: string } }).message.content).join(''),
    ).toBe('one two three');
  });

  it('speaks ElevenLabs and Stable Diffusion WebUI, with their error bodies', async () => {
    sim = await startFaultSimulator({
      scenario: { faults: [{ kind: 'rate_limit', protocol: 'elevenlabs', retryAfterSeconds: 3, times: 1 }] },
    });
    const limited = await post('/v1/text-to-speech/voice1', { text: 'Hello' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(((await limited.json()) as { detail: { status: string } }).detail.status).toBe(
      'rate_limit_exceeded',
    );
    const audio = await post('/v1/text-to-speech/voice1', { text: 'Hello' });
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect((await audio.arrayBuffer()).byteLength).toBeGreaterThan(0);
    const image = (await (await post('/sdapi/v1/txt2img', { prompt: 'a cat', batch_size: 2 })).json()) as {
      images: string[];
    };
    expect(image.images).toHaveLength(2);
  });

  it('applies times/after windows per rule and records requests', async () => {
    sim = await startFaultSimulator({
      scenario: { faults: [{ kind: 'server_error', status: 503, after: 1, times: 2 }] },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1)
      statuses.push(
        (await post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] }))
          .status,
      );
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect(sim.requests.map((r) => r.faults)).toEqual([[], ['server_error'], ['server_error'], []]);
  });

  it('continues an assistant prefill and can reject one', async () => {
    sim = await startFaultSimulator({ scenario: { reply: 'One two three four' } });
    const body = {
      model: 'm',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'One two' },
      ],
    };
    const json = (await (await post('/v1/chat/completions', body)).json()) as {
      choices: Array<{ message: { content: string } }>;
    };
    expect(json.choices[0]?.message.content).toBe(' three four');
    sim.setScenario({ faults: [{ kind: 'reject_prefill' }] });
    expect((await post('/v1/chat/completions', body)).status).toBe(400);
    expect(
      (await post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }] })).status,
    ).toBe(200);
  });
});

describe('FaultPlan', () => {
  it('flaps between up and down phases on its clock', () => {
    let now = 0;
    const plan = new FaultPlan(
      parseScenario({ faults: [{ kind: 'flapping', upMs: 100, downMs: 50 }] }),
      () => now,
    );
    const facts = { protocol: 'openai' as const, model: 'm', promptChars: 1, prefill: false };
    now = 99;
    expect(plan.next(facts).flapping).toBeUndefined();
    now = 100;
    expect(plan.next(facts).flapping).toBeDefined();
    now = 149;
    expect(plan.next(facts).flapping).toBeDefined();
    now = 150;
    expect(plan.next(facts).flapping).toBeUndefined();
  });

  it('applies context_length only over its prompt limit', () => {
    const plan = new FaultPlan(parseScenario({ faults: [{ kind: 'context_length', maxPromptChars: 10 }] }));
    const facts = { protocol: 'openai' as const, model: 'm', prefill: false };
    expect(plan.next({ ...facts, promptChars: 10 }).context_length).toBeUndefined();
    expect(plan.next({ ...facts, promptChars: 11 }).context_length).toBeDefined();
  });

  it('rejects an invalid scenario naming the field', () => {
    expect(() => parseScenario({ faults: [{ kind: 'cut' }] })).toThrow(/faults\.0\.afterChunks/);
  });
});
