import type { JobRecord } from '../../jobs/job-record.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatEta } from '../format-duration.js';
import { bar } from '../progress-renderer.js';
import { jobIdArg, resolveJob } from './job-id.js';

/** Text lines describing a job (status, progress, stage, error or output). */
export function jobLines(job: JobRecord): string[] {
  const lines = [
    `Job ${job.id}: ${job.status}`,
    `  progress ${bar(job.progress)} ${job.progress.toFixed(0)}%${job.stage ? ` · stage ${job.stage}` : ''}${job.etaSeconds !== null && job.status === 'running' ? ` · ETA ${formatEta(job.etaSeconds)}` : ''}`,
    `  message  ${job.message}`,
    `  policy   ${job.fallbackPolicy} · attempts ${job.attempts} · correlation ${job.correlationId}`,
    `  created  ${job.createdAt}${job.finishedAt ? ` · finished ${job.finishedAt}` : ''}`,
  ];
  if (job.output)
    lines.push(
      `  video    ${job.output.path} (${job.output.durationSeconds.toFixed(1)} s, ${job.output.width}×${job.output.height})`,
    );
  if (job.error)
    lines.push(
      `  error    ${job.error.message}`,
      `           (${job.error.code}${job.error.stage ? `, stage ${job.error.stage}` : ''}${job.error.provider ? `, provider ${job.error.provider}` : ''})`,
    );
  return lines;
}

/** `reelay status <id>`: a job's status, progress, output or error, and any pending decision. */
export const statusCommand: CommandSpec = {
  name: 'status',
  summary: 'Show a job’s status, progress, video or error, and a pending decision',
  positionals: [
    { name: 'id', required: true, description: 'Job id (from `reelay generate` or `reelay jobs`)' },
  ],
  options: {},
  examples: ['reelay status job_3f2c…', 'reelay status job_3f2c… --server http://127.0.0.1:8080 --json'],
  async run({ io }, args) {
    const raw = jobIdArg(args, 'status');
    const backend = await openBackend(io, args, { worker: false });
    try {
      const { id, job } = await resolveJob(backend.service, raw);
      const pending =
        job.status === 'running' ? await backend.service.pendingDecision(id).catch(() => null) : null;
      if (args.values.json === true) {
        io.stdout.write(`${JSON.stringify({ job, pendingDecision: pending }, null, 2)}\n`);
      } else {
        io.stdout.write(`${jobLines(job).join('\n')}\n`);
        if (pending) {
          io.stdout.write(
            `  waiting  for a decision on ${pending.provider} (${pending.stage}, ${pending.trigger}): ` +
              `reelay decide ${id} <${pending.options.join('|')}> [provider]\n`,
          );
        }
      }
      return job.status === 'failed'
        ? EXIT_CODES.failed
        : job.status === 'canceled'
          ? EXIT_CODES.canceled
          : EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
