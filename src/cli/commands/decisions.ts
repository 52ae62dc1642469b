import type { PendingDecisionView, ReelayService } from '../../jobs/reelay-service.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { formatMs } from '../format-duration.js';
import { formatTable } from '../format-table.js';
import { jobIdArg, resolveJobId } from './job-id.js';

/** Every decision waiting for an answer, over the running jobs. */
async function pendingDecisions(service: ReelayService): Promise<PendingDecisionView[]> {
  const running = await service.listJobs({ status: 'running', limit: 500 });
  const pending = await Promise.all(
    running.items.map((job) => service.pendingDecision(job.id).catch(() => null)),
  );
  return pending.filter((p): p is PendingDecisionView => p !== null);
}

function pendingLines(pending: PendingDecisionView[]): string {
  if (pending.length === 0) return 'No decision is waiting for an answer.\n';
  const lines = pending.flatMap((p) => [
    `${p.jobId}  ${p.decisionId}: ${p.provider} ${p.trigger === 'stall' ? 'stalled' : 'failed'} on ${p.stage} (since ${p.requestedAt.replace('T', ' ').slice(0, 19)})`,
    `  answer: reelay decide ${p.jobId} <${p.options.join('|')}>${p.alternatives.length > 0 ? ` [${p.alternatives.map((a) => a.provider).join('|')}]` : ''}`,
  ]);
  return `${lines.join('\n')}\n`;
}

/**
 * `reelay decisions [id]`: without an id, every decision waiting for an answer (on any running
 * job of the store or server); with one, that job's pending decision and its audit trail.
 */
export const decisionsCommand: CommandSpec = {
  name: 'decisions',
  summary: 'List decisions waiting for an answer, or a job’s audit trail of switches',
  description:
    'Without an id: every decision waiting for an answer (jobs in `ask` mode), with the `reelay ' +
    'decide` command that answers it — from any process on the same store or server. With an id (a ' +
    'unique prefix is enough): its pending decision, if any, and its audit trail of provider ' +
    'switches and degradations.',
  positionals: [{ name: 'id', required: false, description: 'Job id or unique prefix' }],
  options: {},
  examples: ['reelay decisions', 'reelay decisions job_3f2c…'],
  async run({ io }, args) {
    const json = args.values.json === true;
    const raw = args.positionals[0] === undefined ? undefined : jobIdArg(args, 'decisions');
    const backend = await openBackend(io, args, { worker: false });
    try {
      if (raw === undefined) {
        const pending = await pendingDecisions(backend.service);
        io.stdout.write(json ? `${JSON.stringify({ pending }, null, 2)}\n` : pendingLines(pending));
        return EXIT_CODES.ok;
      }
      const id = await resolveJobId(backend.service, raw);
      const list = await backend.service.decisions(id);
      const pending = await backend.service.pendingDecision(id).catch(() => null);
      if (json) {
        io.stdout.write(`${JSON.stringify({ jobId: id, pending, decisions: list }, null, 2)}\n`);
        return EXIT_CODES.ok;
      }
      if (pending) io.stdout.write(pendingLines([pending]));
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
