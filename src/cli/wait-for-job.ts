import type { StoredEvent } from '../domain/events.js';
import type { JobRecord } from '../jobs/job-record.js';
import type { ReelayService } from '../jobs/reelay-service.js';

const TERMINAL = new Set(['done', 'error', 'canceled']);

/**
 * Follows a job's events until it ends, printing one line per stage and a progress bar that
 * redraws in place on a terminal (plain lines otherwise). Resolves with the final job record.
 */
export async function waitForJob(
  service: ReelayService,
  jobId: string,
  out: NodeJS.WriteStream,
): Promise<JobRecord> {
  const tty = out.isTTY === true;
  let lastLine = '';
  const print = (event: StoredEvent): void => {
    switch (event.type) {
      case 'progress': {
        const width = 30;
        const filled = Math.round((event.percentage / 100) * width);
        const eta = event.etaSeconds === undefined ? '' : ` · ETA ${event.etaSeconds}s`;
        const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${event.percentage.toFixed(0).padStart(3)}% ${event.stage}: ${event.message}${eta}`;
        if (tty) out.write(`\r\x1b[2K${line.slice(0, (out.columns ?? 120) - 1)}`);
        else if (line !== lastLine && Math.floor(event.percentage) % 10 === 0) out.write(`${line}\n`);
        lastLine = line;
        break;
      }
      case 'stage-complete':
        out.write(`${tty ? '\r\x1b[2K' : ''}✓ ${event.stage} (${(event.durationMs / 1000).toFixed(1)} s)\n`);
        break;
      case 'stall-suspected':
        out.write(
          `${tty ? '\r\x1b[2K' : ''}⚠ ${event.provider} made no progress for ${Math.round(event.sinceProgressMs / 1000)} s on ${event.stage}\n`,
        );
        break;
      case 'fallback-decision':
        out.write(
          `${tty ? '\r\x1b[2K' : ''}↪ ${event.decision.reason}: ${event.decision.fromProvider} → ${event.decision.toProvider} (${event.decision.context})\n`,
        );
        break;
      case 'error':
        out.write(`${tty ? '\r\x1b[2K' : ''}✗ ${event.error.message}\n`);
        break;
      default:
        break;
    }
  };
  let lastId = 0;
  const done = new Promise<void>((resolve) => {
    const sub = service.subscribe(jobId, (event) => {
      if (event.id <= lastId) return;
      lastId = event.id;
      print(event);
      if (TERMINAL.has(event.type)) {
        sub.dispose();
        resolve();
      }
    });
    void service.readEvents(jobId, 0).then((events) => {
      for (const event of events) {
        if (event.id <= lastId) continue;
        lastId = event.id;
        print(event);
        if (TERMINAL.has(event.type)) {
          sub.dispose();
          resolve();
        }
      }
    });
  });
  await done;
  const job = await service.getJob(jobId);
  if (!job) throw new Error(`Job ${jobId} disappeared`);
  return job;
}
