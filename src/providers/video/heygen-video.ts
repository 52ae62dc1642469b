import type { VideoRenderRequest } from '../../domain/provider.js';
import { MalformedResponseError } from '../../resilience/output-errors.js';
import type { AsyncJobStatus } from '../async-job/async-job-types.js';

/** Avatar and voice a HeyGen video is made with. */
export interface HeyGenCast {
  avatarId: string;
  voiceId: string;
  /** @default 'normal' */
  avatarStyle?: string;
  /** Longest side of the requested dimension (plans limit resolution). @default 1280 */
  maxLongSide?: number;
}

/** Longest text HeyGen accepts per scene. */
export const HEYGEN_MAX_SCENE_TEXT = 5000;

function even(n: number): number {
  return Math.max(2, Math.round(n / 2) * 2);
}

/** The request's size scaled down (never up) so its longest side fits `maxLongSide`, kept even. */
export function heygenDimension(
  width: number,
  height: number,
  maxLongSide: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxLongSide / Math.max(width, height));
  return { width: even(width * scale), height: even(height * scale) };
}

/**
 * Builds the `POST /v2/video/generate` body: one `video_inputs` entry per scene, the avatar speaking
 * the scene's narration (its title when the narration is empty) with the configured voice.
 */
export function buildHeyGenVideo(request: VideoRenderRequest, cast: HeyGenCast): Record<string, unknown> {
  const video_inputs = request.scenes.map((scene) => {
    const text = (scene.narration.trim() || scene.title.trim() || '…').slice(0, HEYGEN_MAX_SCENE_TEXT);
    return {
      character: { type: 'avatar', avatar_id: cast.avatarId, avatar_style: cast.avatarStyle ?? 'normal' },
      voice: { type: 'text', input_text: text, voice_id: cast.voiceId },
    };
  });
  return {
    video_inputs,
    dimension: heygenDimension(request.width, request.height, cast.maxLongSide ?? 1280),
    title: request.scenes[0]?.title.slice(0, 100) || 'Reelay video',
    caption: false,
  };
}

/** Reads `data.video_id` from a generate response. */
export function parseHeyGenCreated(value: unknown): string {
  const id = (value as { data?: { video_id?: unknown } } | null)?.data?.video_id;
  if (typeof id !== 'string' || id === '')
    throw new MalformedResponseError('HeyGen generate response has no video_id');
  return id;
}

interface HeyGenStatusData {
  status?: unknown;
  video_url?: unknown;
  duration?: unknown;
  error?: { code?: unknown; detail?: unknown; message?: unknown } | null;
}

/**
 * Maps `GET /v1/video_status.get`: waiting and pending → queued, processing → running (HeyGen
 * reports no percent), completed → `video_url`, failed → `error.code` + `error.detail`/`message`.
 */
export function parseHeyGenStatus(value: unknown): AsyncJobStatus {
  const data = (value as { data?: HeyGenStatusData } | null)?.data;
  const status = typeof data?.status === 'string' ? data.status : undefined;
  if (data === undefined || status === undefined) {
    throw new MalformedResponseError('HeyGen status response has no data.status');
  }
  switch (status) {
    case 'waiting':
    case 'pending':
      return { state: 'queued', remoteState: status };
    case 'completed':
      return {
        state: 'succeeded',
        remoteState: status,
        resultUrl: typeof data.video_url === 'string' ? data.video_url : undefined,
      };
    case 'failed': {
      const error = data.error ?? {};
      const code =
        typeof error.code === 'number' || typeof error.code === 'string' ? String(error.code) : undefined;
      const message =
        typeof error.detail === 'string'
          ? error.detail
          : typeof error.message === 'string'
            ? error.message
            : undefined;
      return { state: 'failed', remoteState: status, error: { code, message } };
    }
    default:
      return { state: 'running', remoteState: status };
  }
}
