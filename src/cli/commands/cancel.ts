import { stringValue } from '../arg-parser.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { jobIdArg, resolveJobId } from './job-id.js';

/** `reelay cancel <id>`: cancels a queued or running job. */
export const cancelCommand: CommandSpec = {
  name: 'cancel',
  summary: 'Cancel a queued or running job',
  description:
    'Cancels a queued or running job; its running work stops within a second. Canceling a job that ' +
    'already ended is a conflict (exit 1).',
  positionals: [{ name: 'id', required: true, description: 'Job id' }],
  options: {
    reason: {
      type: 'string',
      valueName: 'TEXT',
      description: 'Why (kept in the job log)',
      defaultText: 'canceled by the user',
    },
  },
  examples: ['reelay cancel job_3f2c…', 'reelay cancel job_3f2c… --server http://127.0.0.1:8080'],
  async run({ io }, args) {
    const raw = jobIdArg(args, 'cancel');
    const backend = await openBackend(io, args, { worker: false });
    try {
      const id = await resolveJobId(backend.service, raw);
      const job = await backend.service.cancel(id, stringValue(args, 'reason') ?? 'canceled by the user');
      if (args.values.json === true) io.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
      else
        io.stdout.write(
          `Job ${id}: ${job.status}${job.status === 'canceled' ? '' : ' (the cancel is on its way)'}\n`,
        );
      return EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
