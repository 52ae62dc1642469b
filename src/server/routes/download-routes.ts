import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import send from '@fastify/send';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ReelayError } from '../../domain/errors.js';
import type { JobRecord } from '../../jobs/job-record.js';
import { sharedProbeCache } from '../../providers/media/probe-cache.js';
import { JobIdParamsSchema, ProblemDetailsSchema, VideoMetadataSchema } from '../api-schemas.js';
import type { VideoMetadata } from '../api-types.js';
import { notReady, parseJobId, prunedVideo, requireJob } from '../job-views.js';
import type { RouteDeps } from '../route-deps.js';

function goneError(job: JobRecord): ReelayError {
  return new ReelayError(
    'REELAY_ERR_NOT_FOUND',
    `The video of job ${job.id} is no longer on the server (it may have been cleaned up); generate it again.`,
    { correlationId: job.correlationId, details: { jobId: job.id } },
  );
}

async function finishedVideo(
  job: JobRecord,
  what: string,
): Promise<{ path: string; size: number; mtime: Date }> {
  if (job.status !== 'done' || !job.output) throw notReady(job, what);
  const pruned = prunedVideo(job);
  if (pruned) throw pruned;
  try {
    const info = await stat(job.output.path);
    if (!info.isFile()) throw new Error('not a file');
    return { path: job.output.path, size: info.size, mtime: info.mtime };
  } catch {
    throw goneError(job);
  }
}

/**
 * `GET|HEAD /:id/download` (video/mp4 through `@fastify/send`: single byte ranges, 206/416, ETag,
 * Last-Modified, conditional requests, streamed from disk) and
 * `GET /:id/metadata` (read from the rendered file with ffprobe), under `/api/video`.
 */
export async function downloadRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;

  app.route<{ Params: { id: string } }>({
    method: ['GET', 'HEAD'],
    url: '/:id/download',
    exposeHeadRoute: false,
    schema: {
      summary: 'Download the rendered MP4 (byte ranges, ETag, conditional requests)',
      tags: ['video'],
      params: JobIdParamsSchema,
      response: {
        200: {
          description: 'The video',
          content: { 'video/mp4': { schema: z.string().meta({ format: 'binary' }) } },
        },
        206: { description: 'One byte range of the video', content: { 'video/mp4': { schema: z.string() } } },
        304: z.undefined().describe('Not modified (If-None-Match / If-Modified-Since)'),
        404: ProblemDetailsSchema,
        409: ProblemDetailsSchema.describe('The job is not completed'),
        410: ProblemDetailsSchema.describe('The video was deleted by the retention policy'),
        416: ProblemDetailsSchema.describe('The range is outside the file'),
      },
    },
    handler: async (request, reply) => {
      const id = parseJobId(request.params.id);
      const job = await requireJob(service, id, request.principal);
      if (job.status !== 'done' || !job.output) throw notReady(job, 'video');
      const pruned = prunedVideo(job);
      if (pruned) throw pruned;
      // `send` does ranges (206/416), If-Range, ETag / If-None-Match (304), Last-Modified /
      // If-Modified-Since and If-Match (412); the name, type and caching policy are ours.
      const file = job.output.path;
      const result = await send(request.raw, `/${encodeURIComponent(basename(file))}`, {
        root: dirname(file),
        dotfiles: 'allow',
        contentType: false,
        cacheControl: false,
      });
      if (result.type === 'error') {
        result.stream.destroy();
        if (result.statusCode === 404) throw goneError(job);
        const size = Number(/\*\/(\d+)$/.exec(result.headers['Content-Range'] ?? '')?.[1] ?? Number.NaN);
        if (result.statusCode === 416) {
          throw new ReelayError(
            'REELAY_ERR_VALIDATION',
            `The requested range "${String(request.headers.range).slice(0, 60)}" is outside the ${size}-byte video of job ${id}.`,
            { status: 416, details: { sizeBytes: size } },
          );
        }
        if (result.statusCode === 412) {
          throw new ReelayError(
            'REELAY_ERR_VALIDATION',
            `The video of job ${id} does not match the If-Match / If-Unmodified-Since precondition; fetch it again without them.`,
            { status: 412 },
          );
        }
        throw result.metadata.error;
      }
      reply
        .code(result.statusCode)
        .headers(result.headers)
        .header('cache-control', 'private, max-age=0')
        .header('content-disposition', `attachment; filename="video-${id}.mp4"`);
      if (result.statusCode !== 304) reply.header('content-type', 'video/mp4');
      return reply.send(result.stream);
    },
  });

  const metadataSchema = {
    summary: 'Duration, size and codecs of the rendered video (ffprobe)',
    tags: ['video'],
    params: JobIdParamsSchema,
    response: { 200: VideoMetadataSchema, 404: ProblemDetailsSchema, 409: ProblemDetailsSchema },
  };
  app.get<{ Params: { id: string } }>(
    '/:id/metadata',
    { schema: metadataSchema },
    async (request, reply): Promise<VideoMetadata> => {
      const id = parseJobId(request.params.id);
      const job = await requireJob(service, id, request.principal);
      const file = await finishedVideo(job, 'metadata');
      const abort = new AbortController();
      const onClose = (): void => {
        if (!reply.raw.writableFinished) abort.abort(new Error('client disconnected'));
      };
      reply.raw.once('close', onClose);
      try {
        // Cached per file version, with ffprobe processes bounded server-wide; a client that leaves
        // stops waiting without killing a probe others share.
        const info = await untilAborted(
          sharedProbeCache.probe(file.path, file.size, file.mtime.getTime()),
          abort.signal,
        );
        return {
          jobId: id,
          durationSeconds: info.durationMs / 1000,
          width: info.video?.width ?? null,
          height: info.video?.height ?? null,
          codec: info.video?.codec ?? null,
          fps: info.video?.fps ?? null,
          sizeBytes: info.sizeBytes || file.size,
          audioCodec: info.audio?.codec ?? null,
          formatName: info.formatName,
          artifacts: job.artifacts.map((p) => basename(p)),
          createdAt: job.createdAt,
          startedAt: job.startedAt,
          finishedAt: job.finishedAt,
        };
      } finally {
        reply.raw.off('close', onClose);
      }
    },
  );
}

/** `work`, or a rejection as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
