import type { Clock } from '../domain/clock.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { AttemptTrail } from '../state/attempt-trail.js';
import type { JobPruner } from './job-pruner.js';

/** Options of {@link withAttemptRetention}. */
export interface AttemptRetentionOptions {
  /** The durable attempt trail; without one (or without `prune`) only the files are pruned. */
  attempts: AttemptTrail | undefined;
  /** Age after they started at which attempt records go; null or undefined = keep forever. */
  attemptsMs: number | null | undefined;
  clock: Clock;
  logger?: Logger;
}

/**
 * The retention sweep's work: the job files ({@link JobPruner}), then the OpenAI-compatible
 * endpoint's upstream attempt records older than `retention.attempts`. A failed attempt prune is
 * logged; the file pruning's report is returned unchanged.
 */
export function withAttemptRetention(
  pruner: Pick<JobPruner, 'prune'>,
  options: AttemptRetentionOptions,
): Pick<JobPruner, 'prune'> {
  const { attempts, attemptsMs, clock } = options;
  const logger = options.logger ?? silentLogger;
  if (!attempts?.prune || attemptsMs === null || attemptsMs === undefined) return pruner;
  const prune = attempts.prune.bind(attempts);
  return {
    prune: async (run) => {
      const report = await pruner.prune(run);
      if (run?.dryRun) return report;
      try {
        const removed = await prune(clock.now() - (run?.olderThanMs ?? attemptsMs));
        if (removed > 0) logger.info({ removed }, 'retention removed upstream attempt records');
      } catch (error) {
        logger.warn({ err: { message: (error as Error).message } }, 'retention of attempt records failed');
      }
      return report;
    },
  };
}
