import type { StoredEvent } from '../../domain/events.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { eventLine } from '../event-line.js';
import { EXIT_CODES } from '../exit-codes.js';
import { onInterrupt } from '../interrupts.js';
import { followJob } from '../job-follower.js';
import { jobIdArg, resolveJobId } from './job-id.js';

/** `reelay logs <id>`: a job's event history, optionally followed live. */
export const logsCommand: CommandSpec = {
  name: 'logs',
  summary: 'Show a job’s event log (stages, provider calls, stalls, decisions); -f follows it',
  description:
    'Prints every event of a job, oldest first: stages, provider calls and retries, latency ' +
    'changes, stalls, decisions and the outcome. With --follow, keeps printing new events until the ' +
    'job ends (Ctrl-C stops following; the job goes on). A unique prefix of the id is enough.',
  positionals: [{ name: 'id', required: true, description: 'Job id or unique prefix' }],
  options: {
    follow: { type: 'boolean', short: 'f', description: 'Keep printing events until the job ends' },
  },
  examples: ['reelay logs job_3f2c…', 'reelay logs 3f2c -f', 'reelay logs 3f2c --json'],
  async run({ io }, args) {
    const raw = jobIdArg(args, 'logs');
    const json = args.values.json === true;
    const print = (event: StoredEvent): void => {
      if (event.type === 'heartbeat') return;
      io.stdout.write(json ? `${JSON.stringify(event)}\n` : `${eventLine(event)}\n`);
    };
    const backend = await openBackend(io, args, { worker: false });
    try {
      const id = await resolveJobId(backend.service, raw);
      if (args.values.follow !== true) {
        for (const event of await backend.service.readEvents(id, 0)) print(event);
        return EXIT_CODES.ok;
      }
      const stop = new AbortController();
      const interrupts = onInterrupt(() => stop.abort());
      try {
        await followJob(backend.service, id, print, { signal: stop.signal });
      } catch (error) {
        if (!stop.signal.aborted) throw error;
      } finally {
        interrupts.dispose();
      }
      return EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
