/**
 * Voice benchmark: how intelligible each offline narration engine is, measured with an offline
 * speech recogniser. Every text of a fixed set (and the narration of the demo's script) is spoken
 * by festival (HTS voice), flite and espeak-ng; the WAV is resampled to 16 kHz mono 16-bit and
 * transcribed by `pocketsphinx_continuous` with the Debian US English model; the word error rate
 * is computed against the text (lower case, no punctuation, numbers spelt as spoken).
 * Synthesis runs pinned to one CPU core; the real-time factor is synthesis time ÷ audio duration
 * (wall and CPU time of the engine processes).
 * Prints a table and writes bench/results/voices.json.
 *
 * Run: `npx tsx bench/voices.ts` (needs festival, festvox-us-slt-hts, flite, espeak-ng, pocketsphinx,
 * pocketsphinx-en-us).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_BRIEF } from '../src/cli/sample-brief.js';
import type { TtsProvider } from '../src/domain/provider.js';
import { parseScript, scriptPrompt } from '../src/pipeline/script-schema.js';
import { parseVideoRequest } from '../src/pipeline/video-request.js';
import { runProcess } from '../src/providers/media/run-process.js';
import { createOfflineProviders } from '../src/providers/offline/index.js';
import { wordErrorRate } from './lib/wer.js';

/** The fixed text set: plain explanatory sentences of the kind Reelay narrates, with numbers. */
export const TEXTS = [
  'Every river starts as a trickle high in the hills, gathering rain and melting snow on its way down. As it grows, the water carves a valley, carrying sand and stones that grind the riverbed deeper.',
  'The human heart beats about 100,000 times a day. It pumps blood through a network of vessels that would stretch around the world twice if laid end to end.',
  'Bees visit flowers to collect nectar and pollen. While they feed, they carry pollen from one plant to the next, which helps fruit and seeds to form.',
  'In 1969, two astronauts walked on the Moon for the first time. They collected rocks, planted a flag, and returned safely to Earth after eight days.',
  'To save energy at home, switch off lights you are not using, wash clothes in cold water, and keep the fridge door closed as much as you can.',
];

const PINNED_CORE = '0';
const CLOCK_TICKS = 100;

interface Sample {
  text: string;
  hypothesis: string;
  edits: number;
  words: number;
  audioSeconds: number;
  synthWallSeconds: number;
  synthCpuSeconds: number;
}

/** CPU seconds used by finished child processes of this process (user + system). */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After the command name: fields[13] = cutime, fields[14] = cstime (clock ticks).
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}

async function transcribe(wav: string, dir: string): Promise<string> {
  const pcm16k = join(dir, 'asr.wav');
  const conv = await runProcess('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    wav,
    '-ar',
    '16000',
    '-ac',
    '1',
    '-sample_fmt',
    's16',
    pcm16k,
  ]);
  if (conv.exitCode !== 0) throw new Error(`ffmpeg failed: ${conv.stderrTail.join(' | ')}`);
  const out = await runProcess('pocketsphinx_continuous', ['-infile', pcm16k, '-logfn', '/dev/null'], {
    collectStdout: true,
  });
  if (out.exitCode !== 0) throw new Error(`pocketsphinx failed: ${out.stderrTail.join(' | ')}`);
  return out.stdout.trim().split('\n').join(' ');
}

async function speak(tts: TtsProvider, text: string, dir: string, n: number): Promise<Sample> {
  const wav = join(dir, `${tts.id}-${n}.wav`);
  const cpuBefore = childCpuSeconds();
  const started = performance.now();
  const r = await tts.synthesize(
    { text, outPath: wav, language: 'English', wordsPerMinute: 150 },
    { signal: new AbortController().signal, heartbeat: () => {} },
  );
  const synthWallSeconds = (performance.now() - started) / 1000;
  const synthCpuSeconds = childCpuSeconds() - cpuBefore;
  const hypothesis = await transcribe(wav, dir);
  const { edits, words } = wordErrorRate(text, hypothesis);
  return {
    text,
    hypothesis,
    edits,
    words,
    audioSeconds: r.durationMs / 1000,
    synthWallSeconds,
    synthCpuSeconds,
  };
}

function summarise(samples: Sample[]) {
  const sum = (f: (s: Sample) => number) => samples.reduce((a, s) => a + f(s), 0);
  const audio = sum((s) => s.audioSeconds);
  return {
    wer: Number((sum((s) => s.edits) / sum((s) => s.words)).toFixed(3)),
    words: sum((s) => s.words),
    audioSeconds: Number(audio.toFixed(1)),
    realTimeFactorWall: Number((sum((s) => s.synthWallSeconds) / audio).toFixed(3)),
    realTimeFactorCpu: Number((sum((s) => s.synthCpuSeconds) / audio).toFixed(3)),
  };
}

async function demoNarration(): Promise<string[]> {
  const request = parseVideoRequest(SAMPLE_BRIEF);
  const { template } = createOfflineProviders();
  const chat = await template.chat(
    {
      messages: scriptPrompt(request.brief, {
        durationSeconds: Math.round(request.durationMinutes * 60),
        audience: request.options.audience,
        goal: request.options.goal,
        tone: request.options.tone,
        language: request.options.language,
        style: request.style,
        pacing: request.options.pacing,
        density: request.options.density,
      }),
      json: true,
    },
    { signal: new AbortController().signal, heartbeat: () => {} },
  );
  return parseScript(chat.text, { provider: template.id }).scenes.map((s) => s.narration);
}

async function main(): Promise<void> {
  // Pin this process (and so every engine it starts) to one core: "faster than real time on one core".
  const pin = await runProcess('taskset', ['-a', '-cp', PINNED_CORE, String(process.pid)]).catch(
    () => undefined,
  );
  const pinned = pin?.exitCode === 0;
  const dir = await mkdtemp(join(tmpdir(), 'reelay-bench-voices-'));
  // A loaded machine starts festival slowly: do not let its health check skip it.
  const slow = { healthTimeoutMs: 180_000 };
  const offline = createOfflineProviders({ festival: slow, flite: slow, espeak: slow });
  const engines: TtsProvider[] = [offline.festival, offline.flite, offline.espeak];
  const demo = await demoNarration();
  const results: Record<string, unknown> = {};
  try {
    let n = 0;
    for (const tts of engines) {
      const health = await tts.healthCheck(new AbortController().signal);
      if (!health.healthy) {
        results[tts.id] = { skipped: health.message };
        process.stdout.write(`${tts.id.padEnd(9)} skipped: ${health.message}\n`);
        continue;
      }
      const textSet: Sample[] = [];
      for (const text of TEXTS) textSet.push(await speak(tts, text, dir, n++));
      const demoSet: Sample[] = [];
      for (const text of demo) demoSet.push(await speak(tts, text, dir, n++));
      results[tts.id] = {
        engine: health.message,
        textSet: summarise(textSet),
        demoNarration: summarise(demoSet),
        examples: textSet.slice(0, 2).map((s) => ({ reference: s.text, heard: s.hypothesis })),
      };
      const t = summarise(textSet);
      const d = summarise(demoSet);
      process.stdout.write(
        `${tts.id.padEnd(9)} text set WER ${t.wer.toFixed(2)} · demo WER ${d.wer.toFixed(2)} · RTF wall ${t.realTimeFactorWall.toFixed(2)} cpu ${t.realTimeFactorCpu.toFixed(2)} (${health.message})\n`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const defaultVoice = offline.all
    .filter((p): p is TtsProvider => p.kind === 'tts' && p.id !== 'captions-only')
    .sort((a, b) => a.priority - b.priority)[0]?.id;
  const out = {
    benchmark: 'voices',
    when: new Date().toISOString(),
    recogniser: 'pocketsphinx_continuous 0.8 (Debian pocketsphinx-en-us model), 16 kHz mono s16',
    pinnedToOneCore: pinned,
    texts: TEXTS.length,
    demoScenes: demo.length,
    offlineDefault: defaultVoice,
    results,
  };
  const outFile = join(dirname(fileURLToPath(import.meta.url)), 'results', 'voices.json');
  await writeFile(outFile, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`wrote ${outFile}\n`);
}

await main();
