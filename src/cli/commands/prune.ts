import { parseRetentionAge } from '../../config/retention-config.js';
import type { PruneReport } from '../../jobs/job-pruner.js';
import { stringValue } from '../arg-parser.js';
import { openLocal, serverUrl } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatTable } from '../format-table.js';
import { UsageError } from '../usage-error.js';

/** `1536` → `1.5 KB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function printReport(report: PruneReport): string {
  const verb = report.dryRun ? 'Would remove' : 'Removed';
  if (report.items.length === 0) return `Nothing to remove (${report.scanned} jobs checked).\n`;
  const table = formatTable(
    ['job', 'what', 'size', 'path'],
    report.items.map((i) => [i.jobId, i.kind, formatBytes(i.bytes), i.path]),
    60,
  );
  return `${table}${verb} ${report.items.length} item(s), ${formatBytes(report.freedBytes)} (${report.freedBytes} bytes) ${report.dryRun ? 'would be freed' : 'freed'}; ${report.scanned} jobs checked.\n`;
}

/** `reelay prune`: applies retention to finished jobs' files now. */
export const pruneCommand: CommandSpec = {
  name: 'prune',
  summary: "Delete finished jobs' work files and old videos (retention)",
  description:
    "Applies the retention policy now: the work directories of jobs that ended more than retention.workFiles ago (default 24h) and the videos of jobs completed more than retention.videos ago (default 30d). Queued and running jobs are never touched; job records stay, marked as pruned (a pruned video's download answers 410 Gone). Runs on the machine that holds the data directory (no --server). The worker applies the same policy every hour.",
  positionals: [],
  options: {
    'dry-run': { type: 'boolean', description: 'List what would be removed; delete nothing' },
    'older-than': {
      type: 'string',
      valueName: 'AGE',
      description:
        'Use this age (e.g. 7d, 12h) for both work files and videos instead of the configured ones',
    },
  },
  examples: ['reelay prune --dry-run', 'reelay prune --older-than 7d --json'],
  async run({ io }, args) {
    if (serverUrl(io, args)) {
      throw new UsageError(
        'prune works on the local data directory; run it on the server without --server.',
        'prune',
      );
    }
    const olderText = stringValue(args, 'older-than');
    let olderThanMs: number | undefined;
    if (olderText !== undefined) {
      const parsed = (() => {
        try {
          return parseRetentionAge(olderText, '--older-than');
        } catch (error) {
          throw new UsageError((error as Error).message, 'prune');
        }
      })();
      if (parsed === null)
        throw new UsageError(
          '--older-than needs an age such as 7d or 12h (0/off keeps everything).',
          'prune',
        );
      olderThanMs = parsed;
    }
    const local = await openLocal(io, args, { worker: false, healthChecks: false });
    try {
      const report = await local.pruner.prune({
        dryRun: args.values['dry-run'] === true,
        ...(olderThanMs !== undefined ? { olderThanMs } : {}),
      });
      io.stdout.write(
        args.values.json === true ? `${JSON.stringify(report, null, 2)}\n` : printReport(report),
      );
      return EXIT_CODES.ok;
    } finally {
      await local.close();
    }
  },
};
