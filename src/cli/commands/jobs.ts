import { JOB_STATUSES, type JobStatus } from '../../jobs/job-record.js';
import { numberValue, stringValue } from '../arg-parser.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatTable } from '../format-table.js';

/** The brief of a stored request, on one line. */
function briefOf(request: Record<string, unknown>): string {
  return typeof request.brief === 'string' ? request.brief.replace(/\s+/g, ' ').trim() : '-';
}

/** `reelay jobs`: recent jobs, newest first. */
export const jobsCommand: CommandSpec = {
  name: 'jobs',
  summary: 'List recent jobs, newest first',
  positionals: [],
  options: {
    status: {
      type: 'string',
      valueName: 'STATUS',
      description: 'Only jobs in this status',
      choices: JOB_STATUSES,
    },
    limit: { type: 'string', valueName: 'N', description: 'How many (1–500)', defaultText: '20' },
  },
  examples: ['reelay jobs', 'reelay jobs --status failed --limit 5'],
  async run({ io }, args) {
    const limit = numberValue(args, 'limit', { integer: true, min: 1, max: 500 }) ?? 20;
    const status = stringValue(args, 'status') as JobStatus | undefined;
    const backend = await openBackend(io, args, { worker: false });
    try {
      const page = await backend.service.listJobs({ limit, ...(status ? { status } : {}) });
      if (args.values.json === true) {
        io.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      if (page.items.length === 0) {
        io.stdout.write('No jobs yet. Start one with `reelay generate "<brief>"`.\n');
        return EXIT_CODES.ok;
      }
      io.stdout.write(
        formatTable(
          ['id', 'status', 'progress', 'stage', 'created', 'brief', 'message'],
          page.items.map((j) => [
            j.id,
            j.status,
            `${j.progress.toFixed(0)}%`,
            j.stage ?? '-',
            j.createdAt.replace('T', ' ').slice(0, 19),
            briefOf(j.request),
            j.error?.message ?? j.message,
          ]),
          40,
        ),
      );
      if (page.nextCursor) io.stdout.write(`(more: raise --limit)\n`);
      return EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
