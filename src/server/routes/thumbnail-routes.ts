import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ReelayError } from '../../domain/errors.js';
import { produceAtomically } from '../../providers/media/atomic-file.js';
import { runFfmpeg } from '../../providers/media/ffmpeg-process.js';
import { notReady, parseJobId, prunedVideo, requireJob } from '../job-views.js';
import type { RouteDeps } from '../route-deps.js';

/**
 * The route's 480-pixel thumbnail of a job: `video-<id>.thumb.jpg` beside `video-<id>.mp4` (the post
 * stage's full-size `video-<id>.jpg` is another file). One file per job — the output directory is
 * shared by every job; retention deletes it with the video.
 */
export function thumbnailPathOf(videoPath: string): string {
  const ext = extname(videoPath);
  return `${ext ? videoPath.slice(0, -ext.length) : videoPath}.thumb.jpg`;
}

export async function thumbnailRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service } = deps;
  const making = new Map<string, Promise<void>>();

  app.get<{ Params: { id: string } }>('/:id/thumbnail', async (request, reply) => {
    const id = parseJobId(request.params.id);
    const job = await requireJob(service, id, request.principal);
    if (job.status !== 'done' || !job.output) throw notReady(job, 'thumbnail');
    const pruned = prunedVideo(job);
    if (pruned) throw pruned;
    const video = job.output.path;
    const target = thumbnailPathOf(video);
    const exists = await stat(target).then(
      (s) => s.isFile() && s.size > 0,
      () => false,
    );
    if (!exists) {
      let pending = making.get(target);
      if (!pending) {
        const seek = job.output.durationSeconds > 2 ? '1' : '0';
        pending = produceAtomically(target, async (tmp) => {
          await runFfmpeg(
            [
              '-ss',
              seek,
              '-i',
              video,
              '-frames:v',
              '1',
              '-vf',
              'scale=480:-2',
              '-q:v',
              '4',
              '-f',
              'mjpeg',
              tmp,
            ],
            { progressIntervalMs: 60_000 },
          );
        })
          .then(() => undefined)
          .finally(() => making.delete(target));
        making.set(target, pending);
      }
      try {
        await pending;
      } catch (error) {
        throw new ReelayError(
          'REELAY_ERR_NOT_FOUND',
          `The thumbnail of job ${id} could not be made from its video (is it still on the server?); download the video instead.`,
          { cause: error, correlationId: job.correlationId, details: { jobId: id } },
        );
      }
    }
    return reply
      .header('content-type', 'image/jpeg')
      .header('cache-control', 'private, max-age=3600')
      .send(await readFile(target));
  });
}
