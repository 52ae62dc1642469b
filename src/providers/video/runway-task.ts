import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { errorMessage, ReelayError } from '../../domain/errors.js';
import type { VideoRenderRequest } from '../../domain/provider.js';
import { MalformedResponseError } from '../../resilience/output-errors.js';
import type { AsyncJobStatus } from '../async-job/async-job-types.js';

/** Output ratios Runway's image-to-video models accept (`width:height` in pixels). */
export const RUNWAY_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'] as const;

/** A task creation call: endpoint path and JSON body. */
export interface RunwayTaskRequest {
  path: '/v1/image_to_video' | '/v1/text_to_video';
  body: Record<string, unknown>;
}

/** Models and durations used to build a task. */
export interface RunwayTaskSettings {
  model: string;
  textModel: string;
  /** Fixed clip length; when absent, 5 s for ≤ 7.5 s of scenes, else 10 s. */
  durationSeconds?: number;
}

/** The ratio whose aspect is closest to `width`×`height`. */
export function nearestRunwayRatio(width: number, height: number): string {
  const wanted = Math.log(width / height);
  let best: string = RUNWAY_RATIOS[0];
  let bestGap = Number.POSITIVE_INFINITY;
  for (const ratio of RUNWAY_RATIOS) {
    const [w, h] = ratio.split(':').map(Number) as [number, number];
    const gap = Math.abs(Math.log(w / h) - wanted);
    if (gap < bestGap) {
      best = ratio;
      bestGap = gap;
    }
  }
  return best;
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** The prompt text: the request's free-form prompt, else the scenes' titles and narration (≤ 1000 chars). */
export function runwayPromptText(request: VideoRenderRequest): string {
  const text =
    request.prompt?.trim() ||
    request.scenes.map((s) => [s.title, s.narration].filter(Boolean).join(': ')).join(' ');
  return text.length > 1000 ? `${text.slice(0, 999)}…` : text;
}

/**
 * Maps a render request to one Runway task: image-to-video from the first scene's image (sent as
 * a data URI) when there is one, else text-to-video. The clip is one generative shot: Runway does
 * not voice narration, so the result has no narration audio.
 */
export async function buildRunwayTask(
  request: VideoRenderRequest,
  settings: RunwayTaskSettings,
  signal: AbortSignal,
): Promise<RunwayTaskRequest> {
  const totalSeconds = request.scenes.reduce((sum, s) => sum + s.durationMs, 0) / 1000;
  const duration = settings.durationSeconds ?? (totalSeconds <= 7.5 ? 5 : 10);
  const ratio = nearestRunwayRatio(request.width, request.height);
  const promptText = runwayPromptText(request);
  const imagePath = request.scenes[0]?.imagePath;
  const mime = imagePath ? MIME[extname(imagePath).toLowerCase()] : undefined;
  if (imagePath && mime) {
    const bytes = await readFile(imagePath, { signal }).catch((error: unknown) => {
      if (signal.aborted) throw error;
      throw new ReelayError(
        'REELAY_ERR_PROVIDER',
        `Runway needs the first scene's image, but "${imagePath}" cannot be read (${errorMessage(error)}): re-run the visuals stage.`,
        { cause: error, provider: 'Runway', category: 'processing_error', retryable: false },
      );
    });
    const promptImage = `data:${mime};base64,${bytes.toString('base64')}`;
    return {
      path: '/v1/image_to_video',
      body: { model: settings.model, promptImage, promptText, ratio, duration },
    };
  }
  return { path: '/v1/text_to_video', body: { model: settings.textModel, promptText, ratio, duration } };
}

interface RunwayTaskBody {
  id?: unknown;
  status?: unknown;
  progress?: unknown;
  output?: unknown;
  failure?: unknown;
  failureCode?: unknown;
}

/** Reads `{ id }` from a task creation response. */
export function parseRunwayCreated(value: unknown): string {
  const id = (value as RunwayTaskBody | null)?.id;
  if (typeof id !== 'string' || id === '') throw new MalformedResponseError('Runway task response has no id');
  return id;
}

/**
 * Maps `GET /v1/tasks/{id}`: PENDING and THROTTLED → queued, RUNNING → running with `progress`
 * (0..1) as percent, SUCCEEDED → the first `output` URL, FAILED → `failureCode` + `failure`,
 * CANCELLED → canceled.
 */
export function parseRunwayTask(value: unknown): AsyncJobStatus {
  const task = (value ?? {}) as RunwayTaskBody;
  const status = typeof task.status === 'string' ? task.status : undefined;
  if (status === undefined) throw new MalformedResponseError('Runway task status response has no status');
  const percent = typeof task.progress === 'number' ? task.progress * 100 : undefined;
  switch (status) {
    case 'PENDING':
    case 'THROTTLED':
      return { state: 'queued', remoteState: status };
    case 'RUNNING':
      return { state: 'running', percent, remoteState: status };
    case 'SUCCEEDED': {
      const first = Array.isArray(task.output) ? task.output[0] : undefined;
      return {
        state: 'succeeded',
        resultUrl: typeof first === 'string' ? first : undefined,
        remoteState: status,
      };
    }
    case 'FAILED':
      return {
        state: 'failed',
        remoteState: status,
        error: {
          code: typeof task.failureCode === 'string' ? task.failureCode : undefined,
          message: typeof task.failure === 'string' ? task.failure : undefined,
        },
      };
    case 'CANCELLED':
      return { state: 'canceled', remoteState: status };
    default:
      return { state: 'running', percent, remoteState: status };
  }
}
