import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ReelayError } from '../../domain/errors.js';
import type { JobRecord } from '../../jobs/job-record.js';
import { sharedProbeCache } from '../../providers/media/probe-cache.js';
import type { VideoMetadata } from '../api-types.js';
import { notReady, parseJobId, requireJob } from '../job-views.js';
import type { RouteDeps } from '../route-deps.js';
import { parseByteRange } from './byte-range.js';

async function finishedVideo(
  job: JobRecord,
  what: string,
): Promise<{ path: string; size: number; mtime: Date }> {
  if (job.status !== 'done' || !job.output) throw notReady(job, what);
  try {
    const info = await stat(job.output.path);
    if (!info.isFile()) throw new Error('not a file');
    return { path: job.output.path, size: info.size, mtime: info.mtime };
  } catch {
    throw new ReelayError(
      'REELAY_ERR_NOT_FOUND',
      `The video of job ${job.id} is no longer on the server (it may have been cleaned up); generate it again.`,
      { correlationId: job.correlationId, details: { jobId: job.id } },
    );
  }
}

/**
 * `GET|HEAD /:id/download` (video/mp4, single byte ranges, 206/416, streamed from disk) and
 * `GET /:id/metadata` (read from the rendered file with ffprobe), under `/api/video`.
 */
export async function downloadRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;

  app.route<{ Params: { id: string } }>({
    method: ['GET', 'HEAD'],
    url: '/:id/download',
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const id = parseJobId(request.params.id);
      const job = await requireJob(service, id);
      const file = await finishedVideo(job, 'video');
      reply
        .header('content-type', 'video/mp4')
        .header('content-disposition', `attachment; filename="video-${id}.mp4"`)
        .header('accept-ranges', 'bytes')
        .header('last-modified', file.mtime.toUTCString())
        .header('cache-control', 'private, max-age=0');
      const range = parseByteRange(request.headers.range, file.size);
      if (range.kind === 'unsatisfiable') {
        throw new ReelayError(
          'REELAY_ERR_VALIDATION',
          `The requested range "${String(request.headers.range).slice(0, 60)}" is outside the ${file.size}-byte video of job ${id}.`,
          { status: 416, details: { sizeBytes: file.size } },
        );
      }
      const start = range.kind === 'partial' ? range.start : 0;
      const end = range.kind === 'partial' ? range.end : file.size - 1;
      if (range.kind === 'partial') {
        reply.code(206).header('content-range', `bytes ${start}-${end}/${file.size}`);
      }
      reply.header('content-length', String(Math.max(0, end - start + 1)));
      if (request.method === 'HEAD' || file.size === 0) return reply.send();
      return reply.send(createReadStream(file.path, { start, end }));
    },
  });

  app.get<{ Params: { id: string } }>('/:id/metadata', async (request, reply): Promise<VideoMetadata> => {
    const id = parseJobId(request.params.id);
    const job = await requireJob(service, id);
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
  });
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
