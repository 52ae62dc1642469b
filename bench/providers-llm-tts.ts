/**
 * Client overhead of the networked LLM/TTS adapters: the time to parse, heartbeat and account a
 * response, minus the time a plain `fetch` takes to read the same response from the same local
 * fixture (served instantly, so the network and the provider drop out).
 *  - LLM: a 1 000-token SSE chat stream (OpenAiChatProvider) → µs per token;
 *  - TTS: 60 s of 22.05 kHz PCM (ElevenLabsProvider, written as WAV to a temp file) → µs per
 *    second of audio (the adapter's figure includes writing the file; the raw read does not).
 * Medians over repeated runs, after a warm-up.
 *
 * Run: `npx tsx bench/providers-llm-tts.ts`. Writes bench/results/providers-llm-tts.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenAiChatProvider } from '../src/providers/llm/openai-chat-provider.js';
import { ElevenLabsProvider } from '../src/providers/tts/elevenlabs-provider.js';
import { createElevenLabsFixture } from '../test/fixtures/llm-tts/elevenlabs-fixture.js';
import { createOpenAiFixture } from '../test/fixtures/llm-tts/openai-fixture.js';

const TOKENS = 1000;
const AUDIO_SECONDS = 60;
const RUNS_LLM = 40;
const RUNS_TTS = 15;
const WARM_UP = 5;
const KEY = 'sk-bench-0123456789abcdefghijkl';
const XI = 'xi-bench-0123456789abcdefghijkl';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARM_UP; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return median(samples) * 1000; // µs
}

async function rawRead(url: string, init: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  return bytes;
}

const tokens = Array.from({ length: TOKENS }, (_, i) => ` w${i}`);
const openai = await createOpenAiFixture({ apiKey: KEY, tokens }).start();
const text = 'x'.repeat(AUDIO_SECONDS * 20); // 50 ms per character in the fixture → 60 s
const eleven = await createElevenLabsFixture({ apiKey: XI, msPerChar: 50, chunkBytes: 16 * 1024 }).start();
const dir = await mkdtemp(join(tmpdir(), 'reelay-bench-'));

try {
  const chat = new OpenAiChatProvider({ apiKey: KEY, baseUrl: `${openai.url}/v1` });
  const chatBody = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [],
    stream: true,
    stream_options: { include_usage: true },
  });
  let beats = 0;
  const ctx = {
    signal: new AbortController().signal,
    heartbeat: (): void => {
      beats += 1;
    },
  };
  const rawLlmUs = await timeIt(RUNS_LLM, () =>
    rawRead(`${openai.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: chatBody,
    }),
  );
  const adapterLlmUs = await timeIt(RUNS_LLM, () =>
    chat.chat({ messages: [{ role: 'user', content: 'go' }] }, ctx),
  );

  const tts = new ElevenLabsProvider({ apiKey: XI, baseUrl: eleven.url });
  const ttsUrl = `${eleven.url}/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM/stream?output_format=pcm_22050`;
  const rawTtsUs = await timeIt(RUNS_TTS, () =>
    rawRead(ttsUrl, {
      method: 'POST',
      headers: { 'xi-api-key': XI, 'content-type': 'application/json' },
      body: JSON.stringify({ text, model_id: 'eleven_multilingual_v2' }),
    }),
  );
  let n = 0;
  const adapterTtsUs = await timeIt(RUNS_TTS, async () => {
    n += 1;
    const r = await tts.synthesize({ text, outPath: join(dir, `n${n}.wav`) }, ctx);
    if (Math.round(r.durationMs) !== AUDIO_SECONDS * 1000)
      throw new Error(`unexpected duration ${r.durationMs}`);
  });

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    llm: {
      tokens: TOKENS,
      runs: RUNS_LLM,
      rawFetchUs: Math.round(rawLlmUs),
      adapterUs: Math.round(adapterLlmUs),
      overheadUsPerToken: Number(((adapterLlmUs - rawLlmUs) / TOKENS).toFixed(3)),
    },
    tts: {
      audioSeconds: AUDIO_SECONDS,
      pcmBytes: 22050 * 2 * AUDIO_SECONDS,
      runs: RUNS_TTS,
      rawFetchUs: Math.round(rawTtsUs),
      adapterUs: Math.round(adapterTtsUs),
      overheadUsPerAudioSecond: Number(((adapterTtsUs - rawTtsUs) / AUDIO_SECONDS).toFixed(1)),
      note: 'adapter time includes writing the WAV file; the raw read keeps bytes in memory',
    },
    heartbeats: beats,
  };
  const out = resolve(dirname(fileURLToPath(import.meta.url)), 'results/providers-llm-tts.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `LLM: ${result.llm.overheadUsPerToken} µs/token over raw fetch (${result.llm.adapterUs} vs ${result.llm.rawFetchUs} µs for ${TOKENS} tokens)\n` +
      `TTS: ${result.tts.overheadUsPerAudioSecond} µs per audio second over raw fetch (${result.tts.adapterUs} vs ${result.tts.rawFetchUs} µs for ${AUDIO_SECONDS} s)\n` +
      `→ ${out}`,
  );
} finally {
  await openai.stop();
  await eleven.stop();
  await rm(dir, { recursive: true, force: true });
}
