import type { JobRecord } from '../../jobs/job-record.js';
import type { ReelayService } from '../../jobs/reelay-service.js';
import type { CliIo } from '../cli-io.js';

/** Prints how a followed job ended: the video and who served each stage, or what failed and what to do. */
export async function printJobSummary(
  io: CliIo,
  service: ReelayService,
  job: JobRecord,
  served: ReadonlyMap<string, string>,
  savedTo: string | undefined,
): Promise<void> {
  const out = io.stdout;
  if (job.status === 'done' && job.output) {
    const o = job.output;
    out.write(
      `\nDone: ${o.path}\n` +
        `  ${o.durationSeconds.toFixed(1)} s · ${o.width}×${o.height} · ${(o.sizeBytes / 1048576).toFixed(1)} MB\n`,
    );
    if (savedTo) out.write(`  saved to ${savedTo}\n`);
    if (served.size > 0)
      out.write(`  providers: ${[...served].map(([stage, p]) => `${stage} → ${p}`).join(', ')}\n`);
  } else if (job.status === 'canceled') {
    io.stderr.write(`\nJob ${job.id} was canceled: ${job.message}\n`);
  } else {
    const e = job.error;
    const where = [e?.stage ? `at ${e.stage}` : '', e?.provider ? `on ${e.provider}` : '']
      .filter(Boolean)
      .join(' ');
    io.stderr.write(`\nJob ${job.id} failed${where ? ` ${where}` : ''}: ${e?.message ?? job.message}\n`);
    if (e?.code) io.stderr.write(`  (${e.code}${e.category ? `, ${e.category}` : ''})\n`);
    io.stderr.write(`  See \`reelay status ${job.id}\` and \`reelay decisions ${job.id}\`.\n`);
  }
  const decisions = await service.decisions(job.id).catch(() => []);
  if (decisions.length > 0) {
    out.write(
      `  fallback decisions: ${decisions.map((d) => `${d.reason} ${d.fromProvider} → ${d.toProvider}`).join('; ')}\n`,
    );
  }
}
