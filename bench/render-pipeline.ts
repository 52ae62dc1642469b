/**
 * Pipeline benchmark: the whole offline pipeline (pre-flight, template script, espeak-ng
 * narration, title cards, FFmpeg composition, probe and thumbnail) for a 60 s 1080p30 video,
 * against one bare FFmpeg command encoding the same stills, narration and captions, in one run:
 *   (a) the pipeline end to end, motion off (submit → done),
 *   (b) bare FFmpeg over (a)'s stills, narration WAVs and captions, same encoder settings,
 *   (c) the pipeline end to end, motion on.
 * Goals: (a)/(b) ≤ 1.15×, Node peak RSS ≤ 300 MB. Writes bench/results/render-pipeline.json.
 *
 * Run: `npx tsx bench/render-pipeline.ts [--runs N]` (N rounds; the fastest of each is kept).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_BRIEF } from '../src/cli/sample-brief.js';
import type { Reelay } from '../src/jobs/create-reelay.js';
import { layoutTimeline } from '../src/pipeline/scene-timing.js';
import { detectFfmpeg } from '../src/providers/media/ffmpeg-info.js';
import { runFfmpeg } from '../src/providers/media/ffmpeg-process.js';
import { probeMedia } from '../src/providers/media/ffprobe.js';
import {
  type EncodeSettings,
  encoderArgs,
  sceneAudioFilter,
  viewFilter,
} from '../src/providers/video/ffmpeg-composer-args.js';
import { parseSrt } from '../src/providers/video/subtitles.js';
import { toAss } from '../src/providers/video/subtitles-ass.js';
import { removeDir, startReelay, tempDir, waitForEnd } from '../test/support/pipeline-harness.js';
import { MemorySampler } from './lib/memory-sampler.js';

const WIDTH = 1920;
const HEIGHT = 1080;
const FPS = 30;
/** The composer's defaults, so (b) encodes exactly like (a). */
const PRESET = 'veryfast';
/** One job may take this long before the benchmark gives up. */
const JOB_LIMIT_MS = 10 * 60_000;

interface VariantResult {
  seconds: number;
  durationMs: number;
  ffmpegPeakMb: number;
  combinedPeakMb: number;
  /** Seconds per stage (pipeline variants only). */
  stages?: Record<string, number>;
}

/** What (b) needs from (a): the job's stills, narration, timeline and captions. */
interface JobInputs {
  workDir: string;
  images: string[];
  audio: string[];
  durationsMs: number[];
}

const sampler = new MemorySampler();

async function pipelineJob(
  reelay: Reelay,
  motion: boolean,
): Promise<{ result: VariantResult; inputs: JobInputs }> {
  sampler.start();
  const started = performance.now();
  try {
    const job = await reelay.service.submit({
      ...SAMPLE_BRIEF,
      durationMinutes: 1,
      options: { ...SAMPLE_BRIEF.options, motion },
    });
    const { job: end, events } = await waitForEnd(reelay, job.id, JOB_LIMIT_MS);
    const seconds = (performance.now() - started) / 1000;
    if (end.status !== 'done' || !end.output) {
      throw new Error(`The benchmark job ${end.status}: ${end.error?.message ?? end.message}`);
    }
    const stages: Record<string, number> = {};
    for (const e of events) if (e.type === 'stage-complete') stages[e.stage] = round(e.durationMs / 1000, 2);
    const info = await probeMedia(end.output.path);
    const steps = await reelay.stores.checkpoints.list(job.id);
    const narration = steps.filter((s) => s.stepId.startsWith('narration-'));
    const visuals = steps.filter((s) => s.stepId.startsWith('visual-'));
    const order = (id: string): number => Number(id.split('-')[1]);
    visuals.sort((a, b) => order(a.stepId) - order(b.stepId));
    return {
      result: {
        seconds: round(seconds, 2),
        durationMs: info.durationMs,
        ffmpegPeakMb: round(sampler.ffmpegPeakKb / 1024, 1),
        combinedPeakMb: round(sampler.combinedPeakKb / 1024, 1),
        stages,
      },
      inputs: {
        workDir: join(reelay.config.dataDir, 'jobs', job.id),
        images: visuals.map((s) => s.artifactPath),
        audio: narration.map((s) => s.artifactPath),
        durationsMs: layoutTimeline(narration.map((s) => Number(s.meta.durationMs))).map((t) => t.durationMs),
      },
    };
  } finally {
    sampler.stop();
  }
}

/** (b): one FFmpeg command, the composer's per-scene filters, `concat`, the job's captions, same encoder. */
async function bareFfmpeg(inputs: JobInputs, outDir: string): Promise<VariantResult> {
  const settings: EncodeSettings = {
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    preset: PRESET,
    crf: 23,
    videoBitrate: '5000k',
    audioBitrate: '192k',
  };
  const cues = parseSrt(await readFile(join(inputs.workDir, 'captions.srt'), 'utf8'));
  await writeFile(join(outDir, 'captions.ass'), toAss(cues, { width: WIDTH, height: HEIGHT }));
  const args: string[] = [];
  for (const image of inputs.images) args.push('-framerate', String(FPS), '-i', image);
  for (const audio of inputs.audio) args.push('-i', audio);
  const n = inputs.images.length;
  const chains: string[] = [];
  const pairs: string[] = [];
  for (let i = 0; i < n; i++) {
    const frames = Math.max(1, Math.round(((inputs.durationsMs[i] ?? 0) * FPS) / 1000));
    const view = { position: i, imagePath: inputs.images[i] ?? '', sceneFrames: frames, offset: 0 };
    chains.push(`[${i}:v]${viewFilter(view, frames, settings, undefined)}[v${i}]`);
    chains.push(`[${n + i}:a]${sceneAudioFilter(frames, FPS)}[a${i}]`);
    pairs.push(`[v${i}][a${i}]`);
  }
  const graph = `${chains.join(';')};${pairs.join('')}concat=n=${n}:v=1:a=1[vc][a];[vc]ass=filename=captions.ass[v]`;
  const out = join(outDir, 'bare.mp4');
  sampler.start();
  const started = performance.now();
  try {
    await runFfmpeg(
      [
        ...args,
        '-filter_complex',
        graph,
        '-map',
        '[v]',
        '-map',
        '[a]',
        ...encoderArgs(settings),
        ...['-c:a', 'aac', '-b:a', settings.audioBitrate, '-ar', '48000', '-ac', '2'],
        '-movflags',
        '+faststart',
        out,
      ],
      { cwd: outDir, onSpawn: sampler.track },
    );
    const seconds = (performance.now() - started) / 1000;
    const info = await probeMedia(out);
    return {
      seconds: round(seconds, 2),
      durationMs: info.durationMs,
      ffmpegPeakMb: round(sampler.ffmpegPeakKb / 1024, 1),
      combinedPeakMb: round(sampler.combinedPeakKb / 1024, 1),
    };
  } finally {
    sampler.stop();
  }
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function best(a: VariantResult | undefined, b: VariantResult): VariantResult {
  return a === undefined || b.seconds < a.seconds ? b : a;
}

async function main(): Promise<void> {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag >= 0 ? Math.max(1, Number(process.argv[runsFlag + 1]) || 1) : 1;
  const info = await detectFfmpeg();
  const loadAtStart = round(loadavg()[0] ?? 0, 2);
  const dir = await tempDir('reelay-bench-pipeline-');
  const reelay = await startReelay(dir, {
    composer: { preset: PRESET, onFfmpegSpawn: sampler.track },
  });
  try {
    let a: VariantResult | undefined;
    let b: VariantResult | undefined;
    let c: VariantResult | undefined;
    for (let r = 1; r <= runs; r++) {
      console.log(`Round ${r}/${runs}: (a) pipeline, motion off…`);
      const off = await pipelineJob(reelay, false);
      a = best(a, off.result);
      console.log(`Round ${r}/${runs}: (b) bare FFmpeg over the same inputs…`);
      b = best(b, await bareFfmpeg(off.inputs, dir));
      console.log(`Round ${r}/${runs}: (c) pipeline, motion on…`);
      c = best(c, (await pipelineJob(reelay, true)).result);
    }
    if (!a || !b || !c) throw new Error('no runs');
    const nodePeakMb = round(process.resourceUsage().maxRSS / 1024, 1);
    // Other work on the machine slows the pipeline and the bare command unevenly: keep the load.
    const load = { start: loadAtStart, end: round(loadavg()[0] ?? 0, 2), cpus: cpus().length };
    const result = {
      benchmark: 'render-pipeline',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      ffmpeg: info.ffmpegVersion,
      loadAverage1m: load,
      video: { width: WIDTH, height: HEIGHT, fps: FPS, durationMinutes: 1, preset: PRESET },
      runs,
      pipelineMotionOff: a,
      bareFfmpeg: b,
      pipelineMotionOn: c,
      ratioMotionOffToBare: round(a.seconds / b.seconds, 3),
      ratioMotionOnToBare: round(c.seconds / b.seconds, 3),
      goalRatio: 1.15,
      goalMet: a.seconds / b.seconds <= 1.15,
      nodePeakRssMb: nodePeakMb,
      goalNodePeakRssMb: 300,
      nodePeakGoalMet: nodePeakMb <= 300,
    };
    console.log('');
    console.table({
      '(a) pipeline, motion off': { ...a, stages: undefined },
      '(b) bare FFmpeg': b,
      '(c) pipeline, motion on': { ...c, stages: undefined },
    });
    console.log('Stage seconds (a):', a.stages, '\nStage seconds (c):', c.stages);
    console.log(
      `(a)/(b) = ${result.ratioMotionOffToBare}× (goal ≤ 1.15×)   (c)/(b) = ${result.ratioMotionOnToBare}×`,
    );
    console.log(`Node peak RSS ${nodePeakMb} MB (goal ≤ 300 MB)`);
    if (Math.max(load.start, load.end) > load.cpus) {
      console.log(
        `Warning: 1-minute load ${load.start}→${load.end} on ${load.cpus} CPUs; figures are contended.`,
      );
    }
    const outFile = join(dirname(fileURLToPath(import.meta.url)), 'results', 'render-pipeline.json');
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`Wrote ${outFile}`);
  } finally {
    await reelay.close();
    await removeDir(dir);
  }
}

await main();
