import { access, constants, mkdir, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { ReelayError } from '../domain/errors.js';
import type { Provider } from '../domain/provider.js';
import { requireFfmpeg } from '../providers/media/ffmpeg-info.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { COMPOSER_REQUIREMENTS } from '../providers/video/ffmpeg-composer.js';
import { STAGE_KIND } from './provider-runner.js';
import { DEFAULT_VIDEO_PROVIDER } from './stages/render-stage.js';
import type { VideoRequest } from './video-request.js';

/** What pre-flight found. */
export interface PreflightReport {
  ffmpegVersion: string;
  ffprobeVersion: string;
  freeBytes: number;
  neededBytes: number;
  providers: Array<{ id: string; healthy: boolean; message: string }>;
}

/** Options of {@link runPreflight}. */
export interface PreflightOptions {
  registry: ProviderRegistry;
  dataDir: string;
  outputDir: string;
  signal: AbortSignal;
  /** Health-check time limit per chosen provider. @default 10000 */
  healthTimeoutMs?: number;
  /**
   * What an unhealthy chosen provider is: `fail` the job (fallback policy `off`), or `report` it
   * in {@link PreflightReport.providers} for the fallback policy to handle (`ask`, `auto`).
   * @default 'fail'
   */
  unhealthyChosen?: 'fail' | 'report';
}

/**
 * Checks, before any work, everything that would otherwise fail late: FFmpeg/ffprobe present with
 * what the composer needs, data and output directories writable with enough free space, and the
 * providers the user chose known and healthy. Each failure is a `REELAY_ERR_PREFLIGHT` error that
 * says what to do.
 */
export async function runPreflight(
  request: VideoRequest,
  options: PreflightOptions,
): Promise<PreflightReport> {
  const chosen = chosenProviders(request, options.registry);
  const usesComposer =
    chosen.every((p) => p.kind !== 'video') || chosen.some((p) => p.id === DEFAULT_VIDEO_PROVIDER);
  const info = await requireFfmpeg(usesComposer ? COMPOSER_REQUIREMENTS : { encoders: ['libx264'] }, {
    signal: options.signal,
  });
  const neededBytes = estimateBytes(request);
  let freeBytes = Number.POSITIVE_INFINITY;
  for (const dir of new Set([options.dataDir, options.outputDir])) {
    try {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
    } catch (error) {
      throw new ReelayError(
        'REELAY_ERR_PREFLIGHT',
        `Directory ${dir} is not writable (${(error as Error).message}); set REELAY_DATA_DIR / REELAY_OUTPUT_DIR to a writable place`,
        { cause: error, stage: 'brief' },
      );
    }
    const fs = await statfs(dir);
    freeBytes = Math.min(freeBytes, fs.bavail * fs.bsize);
  }
  if (freeBytes < neededBytes) {
    throw new ReelayError(
      'REELAY_ERR_PREFLIGHT',
      `Not enough free disk space: this ${request.durationMinutes}-minute video needs about ${mb(neededBytes)} MB, ` +
        `only ${mb(freeBytes)} MB are free under ${options.dataDir}; free some space or choose a shorter duration`,
      { stage: 'brief', details: { freeBytes, neededBytes } },
    );
  }
  if (request.options.music) {
    const musicPath = join(options.dataDir, 'music', request.options.music);
    try {
      await access(musicPath, constants.R_OK);
    } catch {
      throw new ReelayError(
        'REELAY_ERR_PREFLIGHT',
        `Background music "${request.options.music}" is not in ${join(options.dataDir, 'music')}; put the file there or leave options.music out`,
        { stage: 'brief', details: { music: request.options.music } },
      );
    }
  }
  const providers = await Promise.all(chosen.map((p) => checkHealth(p, options)));
  const sick = providers.filter((p) => !p.healthy);
  if (sick.length > 0 && options.unhealthyChosen !== 'report') {
    throw new ReelayError(
      'REELAY_ERR_PREFLIGHT',
      `Chosen provider${sick.length > 1 ? 's are' : ' is'} not healthy: ${sick.map((p) => `${p.id} (${p.message})`).join('; ')}. ` +
        'Fix it, choose another provider, or leave the choice to Reelay.',
      { stage: 'brief', ...(sick[0] ? { provider: sick[0].id } : {}), details: { providers } },
    );
  }
  return {
    ffmpegVersion: info.ffmpegVersion,
    ffprobeVersion: info.ffprobeVersion,
    freeBytes,
    neededBytes,
    providers,
  };
}

/** The providers a request names, resolved (unknown ids are a validation error naming the known ones). */
export function chosenProviders(request: VideoRequest, registry: ProviderRegistry): Provider[] {
  const out: Provider[] = [];
  const byKind = {
    llm: request.providers.llm,
    tts: request.providers.tts,
    image: request.providers.image,
    video: request.providers.video,
  };
  for (const kind of Object.values(STAGE_KIND)) {
    const id = byKind[kind];
    if (!id) continue;
    try {
      out.push(registry.get(id, kind));
    } catch (error) {
      throw new ReelayError('REELAY_ERR_VALIDATION', (error as Error).message, {
        cause: error,
        details: { fields: [{ field: `providers.${kind}`, message: (error as Error).message }] },
      });
    }
  }
  return out;
}

async function checkHealth(
  provider: Provider,
  options: PreflightOptions,
): Promise<{ id: string; healthy: boolean; message: string }> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.healthTimeoutMs ?? 10_000)]);
  try {
    const report = await provider.healthCheck(signal);
    return { id: provider.id, healthy: report.healthy, message: report.message };
  } catch (error) {
    options.signal.throwIfAborted();
    return { id: provider.id, healthy: false, message: (error as Error).message };
  }
}

/** Output plus work files (segments, narration, stills), with margin. */
function estimateBytes(request: VideoRequest): number {
  const seconds = request.durationMinutes * 60;
  const kbps =
    Number.parseInt(request.options.videoBitrate, 10) *
    (request.options.videoBitrate.endsWith('M') ? 1000 : 1);
  const videoBytes = (seconds * (kbps + 192) * 1000) / 8;
  return Math.round(videoBytes * 3 + 50 * 1024 * 1024);
}

function mb(bytes: number): number {
  return Math.round(bytes / (1024 * 1024));
}
