/** A fake FFmpeg/FFprobe pair for tests of detection: shell scripts that log every call. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Paths of the fake binaries, their call log, and a remover. */
export interface FakeFfmpeg {
  dir: string;
  /** Answers `-version`, `-filters` and `-encoders` like a build with libx264. */
  ffmpeg: string;
  ffprobe: string;
  /** Never answers (sleeps 30 s). */
  slow: string;
  /** One line per call of `ffmpeg` or `ffprobe`. */
  log: string;
  remove(): Promise<void>;
}

/** Writes the fake binaries into a fresh temporary directory. */
export async function fakeFfmpeg(): Promise<FakeFfmpeg> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-fake-ffmpeg-'));
  const log = join(dir, 'calls.log');
  const script = [
    '#!/bin/sh',
    `echo "$0 $*" >> '${log}'`,
    'case "$*" in',
    '  *-encoders*) printf "Encoders:\\n ------\\n V..... libx264              H.264\\n A..... aac                  AAC\\n" ;;',
    '  *-filters*) printf "Filters:\\n ... scale             V->V       Scale\\n ... concat            N->N       Concat\\n" ;;',
    '  *) echo "$(basename "$0") version 9.9-fake Copyright" ;;',
    'esac',
    '',
  ].join('\n');
  const ffmpeg = join(dir, 'ffmpeg');
  const ffprobe = join(dir, 'ffprobe');
  const slow = join(dir, 'slow');
  await writeFile(ffmpeg, script);
  await writeFile(ffprobe, script);
  await writeFile(slow, '#!/bin/sh\nexec sleep 30\n');
  await Promise.all([ffmpeg, ffprobe, slow].map((p) => chmod(p, 0o755)));
  return { dir, ffmpeg, ffprobe, slow, log, remove: () => rm(dir, { recursive: true, force: true }) };
}
