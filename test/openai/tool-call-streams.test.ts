import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type FaultSimulator, startFaultSimulator } from '../../src/providers/simulator/fault-simulator.js';
import type { ScenarioInput } from '../../src/providers/simulator/scenario-schema.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness | undefined;
let sim: FaultSimulator | undefined;
afterEach(async () => {
  await h?.close();
  await sim?.close();
  h = undefined;
  sim = undefined;
});

const ARGS = '{"city":"Paris","unit":"celsius"}';
const tools = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];
const messages = [{ role: 'user' as const, content: 'Weather in Paris?' }];
const toolModels = (ids: string[]): ScenarioInput['models'] =>
  Object.fromEntries(ids.map((id) => [id, { toolCall: { name: 'get_weather', arguments: ARGS } }]));

/** Reads a stream with the SDK: the tool call as assembled, the finish reason, and what it threw. */
async function readToolStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  let name = '';
  let args = '';
  let id = '';
  let finish: string | null | undefined;
  const error = await (async () => {
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        id += call.id ?? '';
        name += call.function?.name ?? '';
        args += call.function?.arguments ?? '';
      }
      finish = choice?.finish_reason ?? finish;
    }
  })().catch((e: unknown) => e);
  return { id, name, args, finish, error };
}

describe('simulator: streamed tool calls (official openai SDK)', () => {
  it('streams a tool call in pieces with index, id and name, finishing with tool_calls', async () => {
    sim = await startFaultSimulator({ scenario: { models: toolModels(['m']) } });
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const got = await readToolStream(
      await client.chat.completions.create({ model: 'm', messages, tools, stream: true }),
    );
    expect(got).toMatchObject({ id: 'call_sim1', name: 'get_weather', args: ARGS, finish: 'tool_calls' });
    expect(got.error).toBeUndefined();
    const json = await client.chat.completions.create({ model: 'm', messages, tools });
    expect(json.choices[0]?.finish_reason).toBe('tool_calls');
    expect(json.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_weather', arguments: ARGS },
    });
    // Without tools in the request the same model answers with text.
    const text = await client.chat.completions.create({ model: 'm', messages });
    expect(text.choices[0]?.message.content).toBe('The quick brown fox jumps over the lazy dog.');
  });

  it('cuts in the middle of the arguments (never a finish on truncated arguments)', async () => {
    sim = await startFaultSimulator({
      scenario: { models: toolModels(['m']), faults: [{ kind: 'cut', afterChunks: 2 }] },
    });
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const got = await readToolStream(
      await client.chat.completions.create({ model: 'm', messages, tools, stream: true }),
    );
    expect(got.args).toBe(ARGS.slice(0, 16));
    expect(got.finish).toBeUndefined();
    expect(got.error).toBeInstanceOf(Error);
  });
});

describe('endpoint: a tool-call stream cut mid-arguments (official openai SDK)', () => {
  const start = (models: ScenarioInput['models']) =>
    startHarness({ models, faults: [{ kind: 'cut', afterChunks: 2, model: 'sim-a' }] }, undefined, {}, [
      'reelay-key',
    ]);
  const stream = (harness: Harness, headers: Record<string, string> = {}) =>
    new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'reelay-key', maxRetries: 0 }).chat.completions.create(
      { model: 'chat', messages, tools, stream: true },
      { headers },
    );

  it('is recovered by a restart that repeats the call: the client gets each argument byte once', async () => {
    h = await start(toolModels(['sim-a', 'sim-b', 'sim-c']));
    const got = await readToolStream(await stream(h));
    expect(got.error).toBeUndefined();
    expect(got).toMatchObject({ name: 'get_weather', args: ARGS, finish: 'tool_calls' });
    expect(JSON.parse(got.args)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(h.events.some((e) => e.type === 'proxy-stream-recovered' && e.mode === 'restart')).toBe(true);
  });

  it('ends with an explicit error when the restart calls the tool differently', async () => {
    h = await start({
      ...toolModels(['sim-a']),
      'sim-b': { toolCall: { name: 'get_weather', arguments: '{"city":"Lyon"}' } },
      'sim-c': { toolCall: { name: 'get_time', arguments: ARGS } },
    });
    const got = await readToolStream(await stream(h));
    expect(got.args).toBe(ARGS.slice(0, 16));
    expect(got.finish).toBeUndefined();
    expect(got.error).toBeInstanceOf(OpenAI.APIError);
  });

  it('ends with an explicit error at once with recovery off, never a clean tool_calls finish', async () => {
    h = await start(toolModels(['sim-a', 'sim-b', 'sim-c']));
    const got = await readToolStream(await stream(h, { 'x-reelay-stream-recovery': 'off' }));
    expect(got.name).toBe('get_weather');
    expect(got.args).toBe(ARGS.slice(0, 16));
    expect(got.finish).toBeUndefined();
    expect(got.error).toBeInstanceOf(OpenAI.APIError);
  });
});
