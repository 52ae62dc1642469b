import { createProbeServer } from '../../server/probe-server.js';
import { numberValue } from '../arg-parser.js';
import { cliLogger, openLocal, storeDescription } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { untilSignal } from '../interrupts.js';
import { MEMORY_SETTINGS } from '../memory-settings.js';
import { UsageError } from '../usage-error.js';
import { chosenLogFormat, LOG_FORMAT_OPTION } from './log-format-option.js';

/** `reelay worker`: a worker-only process (no HTTP), for scale-out next to `serve --no-worker`. */
export const workerCommand: CommandSpec = {
  name: 'worker',
  summary: 'Run a worker only (no HTTP), next to `reelay serve --no-worker`',
  description:
    'Takes queued jobs from the shared store and runs them until Ctrl-C. Next to `reelay serve ' +
    '--no-worker` on the same machine, both may share the SQLite file of one data directory; across ' +
    'machines, run any number of workers and API processes on one PostgreSQL (DATABASE_URL) with a ' +
    'shared output directory (REELAY_OUTPUT_DIR on a shared volume). A ' +
    'worker stopped mid-job loses nothing: its lease lapses and the job resumes from its last checkpoint. ' +
    MEMORY_SETTINGS,
  positionals: [],
  options: {
    'metrics-port': {
      type: 'string',
      valueName: 'N',
      description: 'Serve /health/live, /health/ready and /metrics on this port (no API, no key)',
      defaultText: 'REELAY_WORKER_METRICS_PORT, else off',
    },
    'log-format': LOG_FORMAT_OPTION,
  },
  examples: ['DATABASE_URL=postgres://reelay@db/reelay reelay worker', 'reelay worker --metrics-port 9464'],
  async run({ io }, args) {
    if (args.values.server !== undefined)
      throw new UsageError('`reelay worker` works on the store directly; --server does not apply.', 'worker');
    const envPort = io.env.REELAY_WORKER_METRICS_PORT;
    if (envPort !== undefined && envPort !== '' && args.values['metrics-port'] === undefined) {
      args.values['metrics-port'] = envPort;
    }
    const metricsPort = numberValue(args, 'metrics-port', { integer: true, min: 0, max: 65535 });
    const logFormat = chosenLogFormat(io, args);
    const reelay = await openLocal(io, args, { worker: true, logLevel: 'info', logFormat });
    const { config } = reelay;
    const probes =
      metricsPort === undefined
        ? undefined
        : createProbeServer({ service: reelay.service, logger: cliLogger(io, config, 'info', logFormat) });
    if (probes) {
      const url = await probes.listen({ host: config.server.host, port: metricsPort });
      io.stdout.write(`Health and metrics at ${url}/health/ready and ${url}/metrics\n`);
    }
    const note = config.databaseUrl
      ? ''
      : ' (same machine only; set DATABASE_URL to share work between machines)';
    io.stdout.write(
      `Reelay worker running · store ${storeDescription(config)}${note} · up to ${config.concurrency.jobs} job(s) at a time\n  Stop with Ctrl-C.\n`,
    );
    const signal = await untilSignal();
    const running = reelay.runner.activeJobs();
    io.stdout.write(
      `Received ${signal}: stopping${running.length > 0 ? ` (${running.length} running job(s) will resume on another worker)` : ''}…\n`,
    );
    await probes?.close();
    await reelay.close();
    io.stdout.write('Stopped.\n');
    return EXIT_CODES.ok;
  },
};
