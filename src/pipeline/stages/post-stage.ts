import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../providers/media/atomic-file.js';
import { runFfmpeg } from '../../providers/media/ffmpeg-process.js';
import { type MediaInfo, probeMedia } from '../../providers/media/ffprobe.js';
import type { PipelineContext } from '../pipeline-context.js';

const STEP = 'post';

/**
 * Post stage: reads the real metadata of the rendered file with ffprobe (never echoed from the
 * request) and extracts a thumbnail from the middle of the video.
 */
export async function runPostStage(ctx: PipelineContext, videoPath: string): Promise<MediaInfo> {
  const { workspace } = ctx;
  const done = await ctx.checkpoints.verified(STEP, ctx.signal);
  if (done) return JSON.parse(await readFile(done.artifactPath, 'utf8')) as MediaInfo;
  ctx.progress.update('post', 0.1, 'Reading metadata', true);
  const info = await probeMedia(videoPath, ctx.signal);
  const at = Math.max(0, info.durationMs / 2000);
  await runFfmpeg(
    [
      '-ss',
      at.toFixed(2),
      '-i',
      videoPath,
      '-frames:v',
      '1',
      '-vf',
      'scale=640:-2',
      '-q:v',
      '4',
      workspace.thumbnailPath,
    ],
    { signal: ctx.signal },
  );
  await writeFileAtomic(workspace.metadataPath, `${JSON.stringify(info, null, 2)}\n`);
  await ctx.checkpoints.complete(STEP, workspace.metadataPath, { thumbnail: workspace.thumbnailPath });
  ctx.progress.update('post', 1, 'Finished', true);
  return info;
}
