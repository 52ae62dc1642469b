import { access, constants } from 'node:fs/promises';
import { ReelayError } from '../../domain/errors.js';
import type { VideoRenderRequest } from '../../domain/provider.js';

const PROVIDER = 'ffmpeg';
const H264_NAMES = new Set(['h264', 'h.264', 'libx264', 'avc', 'avc1', 'x264']);
const RATE = /^\d+(\.\d+)?[kKmM]?$/;

function invalid(message: string, details: Record<string, unknown> = {}): ReelayError {
  return new ReelayError('REELAY_ERR_VALIDATION', message, {
    category: 'processing_error',
    retryable: false,
    provider: PROVIDER,
    stage: 'render',
    details,
  });
}

/**
 * Checks a render request before any work: at least one scene, positive durations, even frame
 * dimensions (yuv420p needs them), a sane frame rate, H.264, well-formed bitrates.
 * Throws `REELAY_ERR_VALIDATION` naming the offending field.
 */
export function validateRenderRequest(request: VideoRenderRequest): void {
  if (request.scenes.length === 0) throw invalid('The render request has no scenes; nothing to render.');
  const { width, height, fps } = request;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 16 || height < 16) {
    throw invalid(`Frame size ${width}×${height} is not valid; use whole pixels, at least 16×16.`, {
      width,
      height,
    });
  }
  if (width % 2 !== 0 || height % 2 !== 0) {
    throw invalid(
      `Frame size ${width}×${height} must have even width and height for H.264 yuv420p; use e.g. ${width + (width % 2)}×${height + (height % 2)}.`,
      { width, height },
    );
  }
  if (!Number.isFinite(fps) || fps < 1 || fps > 120)
    throw invalid(`Frame rate ${fps} is outside 1–120 fps.`, { fps });
  if (!H264_NAMES.has(request.codec.trim().toLowerCase())) {
    throw invalid(
      `The FFmpeg composer renders H.264 only; codec "${request.codec}" was requested. Use "h264".`,
      {
        codec: request.codec,
      },
    );
  }
  for (const [field, value] of [
    ['videoBitrate', request.videoBitrate],
    ['audioBitrate', request.audioBitrate],
  ] as const) {
    if (value !== undefined && !RATE.test(value)) {
      throw invalid(`${field} "${value}" is not a bitrate; use a form like "5000k" or "5M".`, {
        [field]: value,
      });
    }
  }
  request.scenes.forEach((scene, position) => {
    if (!Number.isInteger(scene.index) || scene.index < 0) {
      throw invalid(
        `Scene at position ${position} has index ${scene.index}; indexes must be whole numbers from 0.`,
        {
          position,
        },
      );
    }
    if (!Number.isFinite(scene.durationMs) || scene.durationMs <= 0) {
      throw invalid(
        `Scene ${scene.index} has duration ${scene.durationMs} ms; every scene needs a positive duration.`,
        {
          sceneIndex: scene.index,
          position,
        },
      );
    }
  });
  const indexes = new Set(request.scenes.map((s) => s.index));
  if (indexes.size !== request.scenes.length) {
    throw invalid('Scene indexes repeat; each scene needs its own index (it names its segment file).');
  }
}

/**
 * Checks that every input file can be read, and fails naming the first missing one and the scene
 * it belongs to (rather than letting FFmpeg fail with a generic message).
 */
export async function assertInputsReadable(request: VideoRenderRequest): Promise<void> {
  const files: Array<{ path: string; what: string; sceneIndex?: number }> = [];
  for (const scene of request.scenes) {
    files.push({ path: scene.imagePath, what: `image of scene ${scene.index}`, sceneIndex: scene.index });
    files.push({
      path: scene.audioPath,
      what: `narration audio of scene ${scene.index}`,
      sceneIndex: scene.index,
    });
  }
  if (request.subtitlesPath) files.push({ path: request.subtitlesPath, what: 'subtitle file' });
  if (request.musicPath) files.push({ path: request.musicPath, what: 'background music' });
  for (const file of files) {
    try {
      await access(file.path, constants.R_OK);
    } catch (cause) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Cannot render: the ${file.what} "${file.path}" is missing or unreadable. Re-run the stage that produces it, or fix the path.`,
        {
          cause,
          category: 'processing_error',
          retryable: false,
          provider: PROVIDER,
          stage: 'render',
          details: {
            path: file.path,
            ...(file.sceneIndex === undefined ? {} : { sceneIndex: file.sceneIndex }),
          },
        },
      );
    }
  }
}
