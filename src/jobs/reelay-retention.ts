import type { ReelayConfig } from '../config/app-config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { ReelayStores } from '../state/stores.js';
import { withAttemptRetention } from './attempt-retention.js';
import { JobPruner } from './job-pruner.js';
import { RetentionSweeper } from './retention-sweeper.js';

/** Retention of finished jobs: the pruner, and the periodic sweep when this process runs one. */
export interface ReelayRetention {
  /** Retention of finished jobs' files (`reelay prune`, and the sweep). */
  pruner: JobPruner;
  /** The started periodic sweep (files, then stored attempts), when `sweep`; stop it on close. */
  sweeper: RetentionSweeper | undefined;
}

/**
 * Builds the job pruner from `config.retention` and, when `sweep`, starts a periodic sweep that
 * prunes finished jobs' files and then the stored attempts older than their retention.
 */
export function startReelayRetention(
  config: ReelayConfig,
  stores: ReelayStores,
  deps: { clock: Clock; logger: Logger; sweep: boolean },
): ReelayRetention {
  const { clock, logger } = deps;
  const pruner = new JobPruner({
    jobs: stores.jobs,
    dataDir: config.dataDir,
    clock,
    logger,
    workFilesMs: config.retention.workFilesMs,
    videosMs: config.retention.videosMs,
  });
  const sweeper = deps.sweep
    ? new RetentionSweeper({
        pruner: withAttemptRetention(pruner, {
          attempts: stores.attempts,
          attemptsMs: config.retention.attemptsMs,
          clock,
          logger,
        }),
        clock,
        logger,
      })
    : undefined;
  sweeper?.start();
  return { pruner, sweeper };
}
