/**
 * Render benchmark: a 60 s 1080p30 video (6 scenes × 10 s, stills, espeak-ng narration, burned
 * captions) rendered three ways in one run:
 *   (a) the FFmpeg composer with motion off,
 *   (b) one bare FFmpeg command encoding the same stills, audio and captions (same codec settings),
 *   (c) the FFmpeg composer with motion on,
 *   (d) the FFmpeg composer with motion on and crossfades between the scenes.
 * Prints a table and writes bench/results/render.json.
 *
 * Run: `npx tsx bench/render.ts [--runs N] [--scenes N] [--scene-seconds S]` (N rounds; the fastest
 * of each is kept). Times are wall seconds and FFmpeg CPU seconds (the latter steadier on a busy machine).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RenderScene, VideoRenderRequest } from '../src/domain/provider.js';
import { detectFfmpeg } from '../src/providers/media/ffmpeg-info.js';
import { runFfmpeg } from '../src/providers/media/ffmpeg-process.js';
import { probeMedia } from '../src/providers/media/ffprobe.js';
import { runProcess } from '../src/providers/media/run-process.js';
import { FfmpegComposer } from '../src/providers/video/ffmpeg-composer.js';
import {
  type EncodeSettings,
  encoderArgs,
  sceneAudioFilter,
  viewFilter,
} from '../src/providers/video/ffmpeg-composer-args.js';
import { buildCues, timeline, toSrt } from '../src/providers/video/subtitles.js';
import { toAss } from '../src/providers/video/subtitles-ass.js';
import { MemorySampler } from './lib/memory-sampler.js';

const WIDTH = 1920;
const HEIGHT = 1080;
const FPS = 30;
/** `--scenes N` and `--scene-seconds S` shrink the run on a busy machine (defaults: 6 × 10 s). */
function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
const SCENE_MS = Math.round(flag('--scene-seconds', 10) * 1000);
const SCENES = Math.round(flag('--scenes', 6));
const CLOCK_TICKS = 100;

/** CPU seconds used by finished child processes (FFmpeg) of this process: less load-sensitive than wall time. */
function childCpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
}
const VIDEO_BITRATE = '5000k';
const AUDIO_BITRATE = '192k';
const PRESET = 'veryfast';
const NARRATION = [
  'Every river starts as a trickle high in the hills, gathering rain and melting snow on its way down.',
  'As it grows, the water carves a valley, carrying sand and stones that grind the riverbed deeper.',
  'Over thousands of years the valley widens, and the river begins to wander in slow, wide loops.',
  'Where it meets flat land, it drops its load of silt, building fertile plains that farmers love.',
  'Near the sea the river splits into many channels, forming a delta full of birds and fish.',
  'And so the journey ends where it began: in the ocean, ready to rise again as clouds and rain.',
];

interface VariantResult {
  seconds: number;
  /** CPU seconds of the FFmpeg processes. */
  cpuSeconds: number;
  durationMs: number;
  ffmpegPeakMb: number;
  combinedPeakMb: number;
}

async function measure(run: (track: (pid: number) => void) => Promise<string>): Promise<VariantResult> {
  const sampler = new MemorySampler();
  sampler.start();
  const started = performance.now();
  const cpuBefore = childCpuSeconds();
  try {
    const out = await run(sampler.track);
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = childCpuSeconds() - cpuBefore;
    const info = await probeMedia(out);
    return {
      seconds: round(seconds, 2),
      cpuSeconds: round(cpuSeconds, 2),
      durationMs: info.durationMs,
      ffmpegPeakMb: round(sampler.ffmpegPeakKb / 1024, 1),
      combinedPeakMb: round(sampler.combinedPeakKb / 1024, 1),
    };
  } finally {
    sampler.stop();
  }
}

async function makeInputs(dir: string): Promise<RenderScene[]> {
  const scenes: RenderScene[] = [];
  for (let i = 0; i < SCENES; i++) {
    const imagePath = join(dir, `still-${i}.png`);
    const audioPath = join(dir, `voice-${i}.wav`);
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `testsrc2=s=${WIDTH}x${HEIGHT}:d=1,hue=h=${i * 60}`,
      '-frames:v',
      '1',
      imagePath,
    ]);
    const narration = NARRATION[i] ?? '';
    const spoken = await runProcess('espeak-ng', ['-s', '150', '-w', audioPath, narration]).catch(
      () => undefined,
    );
    if (spoken?.exitCode !== 0) {
      await runFfmpeg(['-f', 'lavfi', '-i', `sine=frequency=${300 + i * 50}:duration=9`, audioPath]);
    }
    scenes.push({ index: i, imagePath, audioPath, durationMs: SCENE_MS, narration, title: `Scene ${i + 1}` });
  }
  return scenes;
}

/** (b): one FFmpeg command, the same filters per still, `concat`, captions over the whole video, same encoder settings. */
async function bareFfmpeg(dir: string, scenes: RenderScene[], track: (pid: number) => void): Promise<string> {
  const settings: EncodeSettings = {
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    preset: PRESET,
    crf: 23,
    videoBitrate: VIDEO_BITRATE,
    audioBitrate: AUDIO_BITRATE,
  };
  const cues = buildCues(timeline(scenes));
  await writeFile(join(dir, 'captions.ass'), toAss(cues, { width: WIDTH, height: HEIGHT }));
  const inputs: string[] = [];
  for (const s of scenes) inputs.push('-framerate', String(FPS), '-i', s.imagePath);
  for (const s of scenes) inputs.push('-i', s.audioPath);
  const chains: string[] = [];
  const pairs: string[] = [];
  scenes.forEach((s, i) => {
    const frames = Math.round((s.durationMs * FPS) / 1000);
    const view = { position: i, imagePath: s.imagePath, sceneFrames: frames, offset: 0 };
    chains.push(`[${i}:v]${viewFilter(view, frames, settings, undefined)}[v${i}]`);
    chains.push(`[${scenes.length + i}:a]${sceneAudioFilter(frames, FPS)}[a${i}]`);
    pairs.push(`[v${i}][a${i}]`);
  });
  const graph = `${chains.join(';')};${pairs.join('')}concat=n=${scenes.length}:v=1:a=1[vc][a];[vc]ass=filename=captions.ass[v]`;
  const out = join(dir, 'bare.mp4');
  await runFfmpeg(
    [
      ...inputs,
      '-filter_complex',
      graph,
      '-map',
      '[v]',
      '-map',
      '[a]',
      ...encoderArgs(settings),
      '-movflags',
      '+faststart',
      out,
    ],
    { cwd: dir, onSpawn: track },
  );
  return out;
}

async function composer(
  dir: string,
  scenes: RenderScene[],
  motion: boolean,
  tag: string,
  crossfade: boolean,
  track: (pid: number) => void,
): Promise<string> {
  const srt = join(dir, 'captions.srt');
  await writeFile(srt, toSrt(buildCues(timeline(scenes))));
  const workDir = join(dir, `work-${tag}`);
  await rm(workDir, { recursive: true, force: true });
  const request: VideoRenderRequest = {
    scenes,
    width: WIDTH,
    height: HEIGHT,
    fps: FPS,
    codec: 'h264',
    outPath: join(dir, `composer-${tag}.mp4`),
    workDir,
    subtitlesPath: srt,
    motion,
    crossfade,
    videoBitrate: VIDEO_BITRATE,
    audioBitrate: AUDIO_BITRATE,
  };
  const provider = new FfmpegComposer({ preset: PRESET, concurrency: 2, onFfmpegSpawn: track });
  const result = await provider.renderVideo(request, {
    signal: new AbortController().signal,
    heartbeat: () => {},
  });
  return result.path;
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
  const loadBefore = loadavg().map((l) => round(l, 2));
  const dir = await mkdtemp(join(tmpdir(), 'reelay-bench-render-'));
  try {
    console.log(`Preparing ${SCENES} scenes × ${SCENE_MS / 1000} s at ${WIDTH}×${HEIGHT}@${FPS} in ${dir}…`);
    const scenes = await makeInputs(dir);
    let a: VariantResult | undefined;
    let b: VariantResult | undefined;
    let c: VariantResult | undefined;
    let d: VariantResult | undefined;
    for (let round = 1; round <= runs; round++) {
      console.log(`Round ${round}/${runs}: (b) bare FFmpeg…`);
      b = best(b, await measure((track) => bareFfmpeg(dir, scenes, track)));
      console.log(`Round ${round}/${runs}: (a) composer, motion off…`);
      a = best(a, await measure((track) => composer(dir, scenes, false, 'static', false, track)));
      console.log(`Round ${round}/${runs}: (c) composer, motion on…`);
      c = best(c, await measure((track) => composer(dir, scenes, true, 'motion', false, track)));
      console.log(`Round ${round}/${runs}: (d) composer, motion on, crossfades…`);
      d = best(d, await measure((track) => composer(dir, scenes, true, 'xfade', true, track)));
    }
    if (!a || !b || !c || !d) throw new Error('no runs');
    const nodePeakMb = round(process.resourceUsage().maxRSS / 1024, 1);
    const result = {
      benchmark: 'render',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      ffmpeg: info.ffmpegVersion,
      video: {
        width: WIDTH,
        height: HEIGHT,
        fps: FPS,
        scenes: SCENES,
        sceneSeconds: SCENE_MS / 1000,
        preset: PRESET,
      },
      runs,
      composerMotionOff: a,
      bareFfmpeg: b,
      composerMotionOn: c,
      composerMotionOnCrossfade: d,
      ratioMotionOffToBare: round(a.seconds / b.seconds, 3),
      ratioMotionOnToBare: round(c.seconds / b.seconds, 3),
      ratioMotionOnToOff: round(c.seconds / a.seconds, 3),
      cpuRatioMotionOnToOff: round(c.cpuSeconds / a.cpuSeconds, 3),
      ratioCrossfadeToMotionOn: round(d.seconds / c.seconds, 3),
      cpuRatioCrossfadeToMotionOn: round(d.cpuSeconds / c.cpuSeconds, 3),
      load: { before: loadBefore, after: loadavg().map((l) => round(l, 2)) },
      goalRatio: 1.15,
      nodePeakRssMb: nodePeakMb,
      goalNodePeakRssMb: 300,
    };
    console.log('');
    console.table({
      '(a) composer, motion off': a,
      '(b) bare FFmpeg': b,
      '(c) composer, motion on': c,
      '(d) composer, motion on, crossfades': d,
    });
    console.log(
      `(a)/(b) = ${result.ratioMotionOffToBare}× (goal ≤ 1.15×)   (c)/(b) = ${result.ratioMotionOnToBare}×   (c)/(a) = ${result.ratioMotionOnToOff}× (goal ≤ 1.15×)`,
    );
    console.log(
      `Node peak RSS ${nodePeakMb} MB (goal ≤ 300 MB); FFmpeg peak per process ${Math.max(a.ffmpegPeakMb, b.ffmpegPeakMb, c.ffmpegPeakMb)} MB`,
    );
    const outFile = join(dirname(fileURLToPath(import.meta.url)), 'results', 'render.json');
    await mkdir(dirname(outFile), { recursive: true });
    await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`Wrote ${outFile}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
