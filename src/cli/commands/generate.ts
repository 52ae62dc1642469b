import type { StoredEvent } from '../../domain/events.js';
import { FALLBACK_POLICIES } from '../../domain/fallback.js';
import type { JobRecord } from '../../jobs/job-record.js';
import { stringValue } from '../arg-parser.js';
import { type Backend, openBackend } from '../cli-backend.js';
import type { CommandContext, CommandSpec, ParsedArgs } from '../command-spec.js';
import { DecisionHandler } from '../decision-handler.js';
import { EXIT_CODES } from '../exit-codes.js';
import { onInterrupt } from '../interrupts.js';
import { followJob } from '../job-follower.js';
import { LineReader } from '../line-reader.js';
import { ProgressRenderer } from '../progress-renderer.js';
import { saveVideo } from '../save-video.js';
import { requestFromArgs } from './generate-request.js';
import { printJobSummary } from './generate-summary.js';

/** A word safe to paste into a POSIX shell. */
function shellQuote(word: string): string {
  return /^[\w./:@%+=-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** How long an interrupted `generate` waits for the cancel to land before exiting anyway. */
const CANCEL_GRACE_MS = 10_000;

async function run(ctx: CommandContext, args: ParsedArgs): Promise<number> {
  const { io } = ctx;
  const json = args.values.json === true;
  const request = requestFromArgs(args);
  const backend = await openBackend(io, args, { worker: true });
  const interactive = !json && io.stdin.isTTY === true && io.stdout.isTTY === true;
  // Answers come from the terminal; off a terminal, also from whatever is piped to stdin (any
  // other process on the same store or server can answer with `reelay decide`).
  const reader = interactive || !json ? new LineReader(io.stdin) : null;
  try {
    const job = await backend.service.submit(request);
    const dataDir = backend.server ? undefined : stringValue(args, 'data-dir');
    return await follow(ctx, backend, job, json, interactive, reader, stringValue(args, 'out'), dataDir);
  } finally {
    reader?.close();
    await backend.close();
  }
}

async function follow(
  ctx: CommandContext,
  backend: Backend,
  job: JobRecord,
  json: boolean,
  interactive: boolean,
  reader: LineReader | null,
  out: string | undefined,
  dataDirFlag: string | undefined,
): Promise<number> {
  const { io } = ctx;
  const renderer = json ? null : new ProgressRenderer(io.stdout);
  const decisions = new DecisionHandler({
    service: backend.service,
    jobId: job.id,
    out: json ? io.stderr : io.stdout,
    ...(renderer ? { renderer } : {}),
    reader,
    interactive,
    ...(backend.server ? { server: backend.server } : {}),
    ...(dataDirFlag ? { decideFlags: `--data-dir ${shellQuote(dataDirFlag)}` } : {}),
  });
  const served = new Map<string, string>();
  if (!json)
    io.stdout.write(
      `Job ${job.id} submitted (fallback policy ${job.fallbackPolicy}${backend.server ? `, server ${backend.server}` : ''})\n`,
    );
  const onEvent = (event: StoredEvent): void => {
    if (event.type === 'request-complete') served.set(event.stage, event.provider);
    if (json) {
      if (event.type !== 'heartbeat') io.stdout.write(`${JSON.stringify(event)}\n`);
    } else renderer?.onEvent(event);
    decisions.onEvent(event);
  };

  const stop = new AbortController();
  let interrupted = false;
  const interrupts = onInterrupt((_signal, count) => {
    if (count > 1) {
      io.stderr.write('\nInterrupted again — exiting without waiting for the cancel.\n');
      process.exit(EXIT_CODES.interrupted);
    }
    interrupted = true;
    renderer?.pause();
    decisions.close();
    io.stderr.write(`\nInterrupted — canceling job ${job.id}…\n`);
    backend.service
      .cancel(job.id, 'interrupted from the command line (Ctrl-C)')
      .catch(() => {})
      .finally(() => setTimeout(() => stop.abort(), CANCEL_GRACE_MS).unref());
  });
  let final: JobRecord;
  try {
    final = await followJob(backend.service, job.id, onEvent, { signal: stop.signal });
  } catch (error) {
    if (interrupted) return EXIT_CODES.interrupted;
    throw error;
  } finally {
    interrupts.dispose();
    decisions.close();
    renderer?.close();
  }
  if (interrupted) {
    if (!json)
      io.stderr.write(
        `Job ${job.id} ${final.status === 'canceled' ? 'canceled' : `ended as ${final.status}`}.\n`,
      );
    return EXIT_CODES.interrupted;
  }
  let savedTo: string | undefined;
  if (final.status === 'done' && out) savedTo = await saveVideo(backend, final, out, io.cwd);
  const exitCode =
    final.status === 'done'
      ? EXIT_CODES.ok
      : final.status === 'canceled'
        ? EXIT_CODES.canceled
        : final.error?.code === 'REELAY_ERR_PREFLIGHT'
          ? EXIT_CODES.unavailable
          : EXIT_CODES.failed;
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ type: 'result', jobId: final.id, status: final.status, exitCode, output: final.output, savedTo: savedTo ?? null, error: final.error })}\n`,
    );
  } else {
    await printJobSummary(io, backend.service, final, served, savedTo);
  }
  return exitCode;
}

/** `reelay generate "<brief>"`: submits a job, shows its progress and prompts, saves the video. */
export const generateCommand: CommandSpec = {
  name: 'generate',
  summary: 'Turn a brief into a narrated video, with live progress and fallback prompts',
  description:
    'Submits a brief, shows a progress bar per stage (percent, ETA) with the current provider’s latency ' +
    'state, and — with --fallback ask on a terminal — asks what to do when a provider stalls or fails ' +
    '(continue 30 s, continue 5 min, try a ranked alternative, cancel). Off a terminal it says so at ' +
    'once and prints the `reelay decide` commands that answer from another shell (a choice number ' +
    'piped to stdin works too). Ctrl-C cancels the job, then exits 130.',
  positionals: [
    { name: 'brief', required: true, description: 'What the video is about (10–5000 characters; quote it)' },
  ],
  options: {
    duration: {
      type: 'string',
      valueName: 'MIN',
      description: 'Target length in minutes (> 0, ≤ 10)',
      defaultText: '1',
    },
    aspect: {
      type: 'string',
      valueName: 'RATIO',
      description: 'Aspect ratio',
      choices: ['16:9', '9:16', '1:1'],
      defaultText: '16:9',
    },
    voice: { type: 'string', valueName: 'V', description: 'Narration voice id of the TTS provider' },
    style: {
      type: 'string',
      valueName: 'TEXT',
      description: 'Style of the script',
      defaultText: 'informative',
    },
    pacing: {
      type: 'string',
      valueName: 'PACE',
      description: 'Speed of the narration and cuts',
      choices: ['chill', 'slow', 'conversational', 'fast'],
      defaultText: 'conversational',
    },
    language: {
      type: 'string',
      valueName: 'LANG',
      description: 'Language of the script and narration, e.g. French',
      defaultText: 'English',
    },
    music: {
      type: 'string',
      valueName: 'FILE',
      description:
        'Background music: a file name in <data dir>/music/ (e.g. calm.mp3), looped under the voice',
    },
    llm: { type: 'string', valueName: 'ID', description: 'Script provider id (see `reelay providers`)' },
    tts: { type: 'string', valueName: 'ID', description: 'Narration provider id' },
    images: { type: 'string', valueName: 'ID', description: 'Image provider id' },
    video: { type: 'string', valueName: 'ID', description: 'Video provider id' },
    fallback: {
      type: 'string',
      valueName: 'POLICY',
      description: 'On a stall or provider failure: ask, switch automatically, or fail',
      choices: FALLBACK_POLICIES,
      defaultText: 'the configured policy (REELAY_FALLBACK_POLICY, else auto)',
    },
    out: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description: 'Copy the finished video to FILE (e.g. video.mp4)',
    },
    width: { type: 'string', valueName: 'PX', description: 'Output width (≥ 320)', hidden: true },
    height: { type: 'string', valueName: 'PX', description: 'Output height (≥ 240)', hidden: true },
    fps: {
      type: 'string',
      valueName: 'N',
      description: 'Frames per second (15–60)',
      hidden: true,
      defaultText: '30',
    },
    'no-motion': { type: 'boolean', description: 'No pan/zoom on the scene images', hidden: true },
    'no-subtitles': { type: 'boolean', description: 'Do not burn in captions', hidden: true },
  },
  examples: [
    'reelay generate "Explain how tides work for curious kids" --duration 0.5 --out tides.mp4',
    'reelay generate "A 30-second teaser for our bakery" --aspect 9:16 --fallback ask --tts elevenlabs',
    'reelay generate "How rainbows form, for a science class" --server http://127.0.0.1:8080 --json',
  ],
  run,
};
