import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatMs } from '../format-duration.js';
import { formatTable } from '../format-table.js';
import { jobIdArg } from './job-id.js';

/** `reelay decisions <id>`: the job's audit trail of fallback decisions. */
export const decisionsCommand: CommandSpec = {
  name: 'decisions',
  summary: 'Show a job’s audit trail of provider switches and degradations',
  positionals: [{ name: 'id', required: true, description: 'Job id' }],
  options: {},
  examples: ['reelay decisions job_3f2c…'],
  async run({ io }, args) {
    const id = jobIdArg(args, 'decisions');
    const backend = await openBackend(io, args, { worker: false });
    try {
      const list = await backend.service.decisions(id);
      if (args.values.json === true) {
        io.stdout.write(`${JSON.stringify({ jobId: id, decisions: list }, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      if (list.length === 0) {
        io.stdout.write(`Job ${id}: no fallback decisions (it kept its providers).\n`);
        return EXIT_CODES.ok;
      }
      io.stdout.write(
        formatTable(
          ['time', 'from', 'to', 'reason', 'confirmed', 'waited', 'stages', 'context'],
          list.map((d) => [
            d.timestamp.replace('T', ' ').slice(0, 19),
            d.fromProvider,
            d.toProvider,
            d.reason,
            d.userConfirmed ? 'user' : 'auto',
            formatMs(d.elapsedBeforeSwitchMs),
            d.stages.length === 0 ? 'all' : d.stages.join(','),
            d.context,
          ]),
          80,
        ),
      );
      return EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
