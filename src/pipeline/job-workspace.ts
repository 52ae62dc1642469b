import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a job's files live: a work directory under the data directory and the output file. */
export interface JobWorkspace {
  /** `<dataDir>/jobs/<jobId>`: script, narration, visuals, segments, captions. */
  workDir: string;
  scriptPath: string;
  narrationPath(index: number): string;
  visualPath(index: number): string;
  captionsPath: string;
  segmentsDir: string;
  /** Where the composer writes before the result is published. */
  renderPath: string;
  /** The published video: `<outputDir>/video-<jobId>.mp4`. */
  outputPath: string;
  thumbnailPath: string;
  metadataPath: string;
  /** Folder of background music files a request may name: `<dataDir>/music`. */
  musicDir: string;
}

/** Lays out (and creates) the directories of a job. */
export async function prepareWorkspace(
  dataDir: string,
  outputDir: string,
  jobId: string,
): Promise<JobWorkspace> {
  const workDir = join(dataDir, 'jobs', jobId);
  const segmentsDir = join(workDir, 'segments');
  await Promise.all([
    mkdir(join(workDir, 'narration'), { recursive: true }),
    mkdir(join(workDir, 'visuals'), { recursive: true }),
    mkdir(segmentsDir, { recursive: true }),
    mkdir(outputDir, { recursive: true }),
  ]);
  const pad = (i: number): string => String(i + 1).padStart(3, '0');
  return {
    workDir,
    scriptPath: join(workDir, 'script.json'),
    narrationPath: (i) => join(workDir, 'narration', `scene-${pad(i)}.wav`),
    visualPath: (i) => join(workDir, 'visuals', `scene-${pad(i)}.png`),
    captionsPath: join(workDir, 'captions.srt'),
    segmentsDir,
    renderPath: join(workDir, 'render.mp4'),
    outputPath: join(outputDir, `video-${jobId}.mp4`),
    thumbnailPath: join(outputDir, `video-${jobId}.jpg`),
    metadataPath: join(workDir, 'metadata.json'),
    musicDir: join(dataDir, 'music'),
  };
}
