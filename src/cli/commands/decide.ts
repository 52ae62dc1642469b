import { ReelayError } from '../../domain/errors.js';
import { STALL_OPTIONS, type StallOption } from '../../domain/fallback.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';
import { jobIdArg, resolveJobId } from './job-id.js';

/** `reelay decide <id> <option> [provider]`: answers a job's pending decision. */
export const decideCommand: CommandSpec = {
  name: 'decide',
  summary: 'Answer a job’s pending stall/failure decision (fallback policy ask)',
  description:
    'Answers the decision a job in `ask` mode is waiting for: continue_30s, continue_5m, ' +
    'try_alternative <provider> (see the ranked list in `reelay status` or the generate output), or ' +
    'cancel_job. Any process on the same store (the data directory, or DATABASE_URL) or server ' +
    '(--server) can answer; the process running the job applies the first answer. A unique prefix ' +
    'of the id is enough.',
  positionals: [
    { name: 'id', required: true, description: 'Job id' },
    { name: 'option', required: true, description: STALL_OPTIONS.join(' | ') },
    {
      name: 'provider',
      required: false,
      description: 'Provider id to switch to (required for try_alternative)',
    },
  ],
  options: {},
  examples: [
    'reelay decide job_3f2c… continue_5m',
    'reelay decide 3f2c cancel_job --data-dir ./data',
    'reelay decide job_3f2c… try_alternative espeak --server http://127.0.0.1:8080',
  ],
  async run({ io }, args) {
    const raw = jobIdArg(args, 'decide');
    const option = args.positionals[1] ?? '';
    if (!(STALL_OPTIONS as readonly string[]).includes(option))
      throw new UsageError(`"${option}" is not an option; use one of ${STALL_OPTIONS.join(', ')}.`, 'decide');
    const provider = args.positionals[2];
    if (option === 'try_alternative' && !provider)
      throw new UsageError(
        'try_alternative needs the provider to switch to, e.g. `try_alternative espeak`.',
        'decide',
      );
    const backend = await openBackend(io, args, { worker: false });
    try {
      const id = await resolveJobId(backend.service, raw);
      const pending = await backend.service.pendingDecision(id);
      if (!pending) {
        const job = await backend.service.getJob(id);
        throw new ReelayError(
          'REELAY_ERR_CONFLICT',
          `Job ${id} has no decision waiting for an answer (it is ${job?.status ?? 'gone'}); ` +
            '`reelay decisions` lists the decisions waiting.',
        );
      }
      await backend.service.answerDecision(id, {
        option: option as StallOption,
        decisionId: pending.decisionId,
        ...(provider ? { provider } : {}),
      });
      if (args.values.json === true)
        io.stdout.write(
          `${JSON.stringify({ jobId: id, decisionId: pending.decisionId, option, provider: provider ?? null })}\n`,
        );
      else
        io.stdout.write(
          `Answered ${pending.decisionId} of job ${id}: ${option}${provider ? ` → ${provider}` : ''}\n`,
        );
      return EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
