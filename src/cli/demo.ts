#!/usr/bin/env node
/**
 * `npm run demo`: renders the sample brief into a narrated, subtitled MP4 with the embedded,
 * offline defaults (no keys, no network), and prints where it is and which provider served
 * each stage.
 */
import { loadConfig } from '../config/app-config.js';
import { createLogger } from '../config/logger.js';
import { ReelayError } from '../domain/errors.js';
import { createReelay } from '../jobs/create-reelay.js';
import { SAMPLE_BRIEF } from './sample-brief.js';
import { waitForJob } from './wait-for-job.js';

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({
    level: process.env.REELAY_LOG_LEVEL ?? 'warn',
    secrets: Object.values(config.secrets),
  });
  const reelay = await createReelay({ config, logger, networked: process.env.REELAY_DEMO_NETWORKED === '1' });
  try {
    const job = await reelay.service.submit(SAMPLE_BRIEF);
    process.stdout.write(`Reelay demo — job ${job.id}\nBrief: ${SAMPLE_BRIEF.brief.slice(0, 100)}…\n\n`);
    const final = await waitForJob(reelay.service, job.id, process.stdout);
    if (final.status !== 'done' || !final.output) {
      process.stderr.write(`\nThe demo job ${final.status}: ${final.error?.message ?? final.message}\n`);
      return 1;
    }
    const events = await reelay.service.readEvents(job.id);
    const served = new Map<string, string>();
    for (const e of events) if (e.type === 'request-complete') served.set(e.stage, e.provider);
    const decisions = await reelay.service.decisions(job.id);
    const o = final.output;
    process.stdout.write(
      `\nDone: ${o.path}\n` +
        `  duration ${o.durationSeconds.toFixed(1)} s · ${o.width}×${o.height} · ${(o.sizeBytes / 1048576).toFixed(1)} MB\n` +
        `  providers: ${[...served].map(([stage, p]) => `${stage} → ${p}`).join(', ')}\n` +
        `  fallback decisions: ${decisions.length === 0 ? 'none' : decisions.map((d) => `${d.reason} ${d.fromProvider}→${d.toProvider}`).join('; ')}\n`,
    );
    return 0;
  } finally {
    await reelay.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = ReelayError.isInstance(error) ? `${error.code}: ${error.message}` : String(error);
    process.stderr.write(`reelay demo failed — ${message}\n`);
    process.exit(1);
  },
);
