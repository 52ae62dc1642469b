import { lstat, readdir, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Clock } from '../domain/clock.js';
import { isTerminalStatus, type JobRecord } from '../domain/job-record.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { JobStore } from '../state/job-store.js';

/** What retention removes: a job's work directory, or its finished video (with its thumbnail). */
export type PrunedKind = 'work-files' | 'video';

/** One thing removed (or, in a dry run, that would be). */
export interface PrunedItem {
  jobId: string;
  kind: PrunedKind;
  /** The directory or file. */
  path: string;
  bytes: number;
}

/** Result of {@link JobPruner.prune}. */
export interface PruneReport {
  dryRun: boolean;
  /** Jobs read. */
  scanned: number;
  items: PrunedItem[];
  freedBytes: number;
}

/** Options of {@link JobPruner}. */
export interface JobPrunerOptions {
  jobs: JobStore;
  /** Job work directories live under `<dataDir>/jobs/<jobId>`. */
  dataDir: string;
  clock: Clock;
  /** Age after a job ended at which its work directory goes; null = keep forever. */
  workFilesMs: number | null;
  /** Age after a job completed at which its video goes; null = keep forever. */
  videosMs: number | null;
  logger?: Logger;
}

/** One run's choices: a dry run reports without deleting; `olderThanMs` replaces both ages. */
export interface PruneRunOptions {
  dryRun?: boolean;
  olderThanMs?: number;
}

const PAGE = 200;

/** Bytes of a file or directory tree (symbolic links count as themselves, never followed). */
export async function sizeOf(path: string): Promise<number> {
  const info = await lstat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path).catch(() => [] as string[])) total += await sizeOf(join(path, name));
  return total;
}

/**
 * Retention of finished jobs' files (docs/configuration.md#retention). Only jobs in a terminal
 * status (`done`, `failed`, `canceled`) are touched — a running or queued job's files never are.
 * After `workFilesMs` past its end, a job's work directory goes; after `videosMs` past its end, a
 * completed job's video and its `video-<id>.jpg` and `video-<id>.thumb.jpg` thumbnails go. The job record stays, with
 * `pruned` saying what went and when (downloads then answer 410 Gone).
 *
 * @example
 * const pruner = new JobPruner({ jobs, dataDir, clock, workFilesMs: 86_400_000, videosMs: null });
 * const report = await pruner.prune({ dryRun: true });
 */
export class JobPruner {
  private readonly logger: Logger;

  constructor(private readonly options: JobPrunerOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Removes what retention allows now (or only reports it with `dryRun`). */
  async prune(run: PruneRunOptions = {}): Promise<PruneReport> {
    const dryRun = run.dryRun ?? false;
    const now = this.options.clock.now();
    const workAge = run.olderThanMs ?? this.options.workFilesMs;
    const videoAge = run.olderThanMs ?? this.options.videosMs;
    const report: PruneReport = { dryRun, scanned: 0, items: [], freedBytes: 0 };
    if (workAge === null && videoAge === null) return report;
    let cursor: string | undefined;
    do {
      const page = await this.options.jobs.list({ limit: PAGE, ...(cursor ? { cursor } : {}) });
      for (const job of page.items) {
        report.scanned += 1;
        const items = await this.pruneJob(job, now, workAge, videoAge, dryRun);
        report.items.push(...items);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    report.freedBytes = report.items.reduce((sum, i) => sum + i.bytes, 0);
    if (report.items.length > 0 && !dryRun) {
      this.logger.info(
        { removed: report.items.length, freedBytes: report.freedBytes, scanned: report.scanned },
        'retention removed files of finished jobs',
      );
    }
    return report;
  }

  private async pruneJob(
    job: JobRecord,
    now: number,
    workAge: number | null,
    videoAge: number | null,
    dryRun: boolean,
  ): Promise<PrunedItem[]> {
    if (!isTerminalStatus(job.status)) return [];
    const endedAt = Date.parse(job.finishedAt ?? job.updatedAt);
    if (!Number.isFinite(endedAt)) return [];
    const items: PrunedItem[] = [];
    if (workAge !== null && endedAt <= now - workAge) {
      const dir = join(this.options.dataDir, 'jobs', job.id);
      const bytes = await sizeOf(dir);
      const exists = await lstat(dir).then(
        () => true,
        () => false,
      );
      if (exists) {
        if (!dryRun) await rm(dir, { recursive: true, force: true });
        items.push({ jobId: job.id, kind: 'work-files', path: dir, bytes });
      }
    }
    if (videoAge !== null && endedAt <= now - videoAge && job.output && !job.pruned?.videoAt) {
      const video = job.output.path;
      const base = join(dirname(video), basename(video, '.mp4'));
      // The post stage's full-size thumbnail and the API's 480-pixel one.
      const thumbnails = [`${base}.jpg`, `${base}.thumb.jpg`];
      let bytes = await sizeOf(video);
      for (const t of thumbnails) bytes += await sizeOf(t);
      if (!dryRun) await Promise.all([video, ...thumbnails].map((f) => rm(f, { force: true })));
      items.push({ jobId: job.id, kind: 'video', path: video, bytes });
    }
    if (items.length > 0 && !dryRun) await this.mark(job.id, items, now);
    return items;
  }

  private async mark(jobId: string, items: readonly PrunedItem[], now: number): Promise<void> {
    const at = new Date(now).toISOString();
    const video = items.some((i) => i.kind === 'video');
    const work = items.some((i) => i.kind === 'work-files');
    await this.options.jobs.update(jobId, (r) => ({
      ...r,
      pruned: {
        ...r.pruned,
        ...(work ? { workFilesAt: at } : {}),
        ...(video ? { videoAt: at } : {}),
      },
      ...(video ? { message: `${r.message} — the video was deleted by the retention policy on ${at}` } : {}),
    }));
  }
}
