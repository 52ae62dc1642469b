import { ReelayError } from '../../domain/errors.js';
import { openBackend } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { saveVideo } from '../save-video.js';
import { jobIdArg, resolveJob } from './job-id.js';

/** `reelay download <id> [file]`: saves a finished job's video. */
export const downloadCommand: CommandSpec = {
  name: 'download',
  summary: 'Save a finished job’s video to a file',
  description:
    'Copies the video of a finished job to FILE (default `<job id>.mp4` in the current directory): a ' +
    'file copy on the local store, a resumable download from a server with --server. The file ' +
    'appears complete or not at all. A unique prefix of the id is enough.',
  positionals: [
    { name: 'id', required: true, description: 'Job id or unique prefix' },
    { name: 'file', required: false, description: 'Where to save the video (default <job id>.mp4)' },
  ],
  options: {},
  examples: ['reelay download job_3f2c…', 'reelay download 3f2c tides.mp4 --server http://127.0.0.1:8080'],
  async run({ io }, args) {
    const raw = jobIdArg(args, 'download');
    const backend = await openBackend(io, args, { worker: false });
    try {
      const { id, job } = await resolveJob(backend.service, raw);
      if (job.status !== 'done')
        throw new ReelayError(
          'REELAY_ERR_NOT_READY',
          `Job ${id} has no video yet (it is ${job.status}); ${job.status === 'queued' || job.status === 'running' ? 'wait for it with `reelay logs -f`' : 'start a new one with `reelay generate`'}.`,
        );
      const saved = await saveVideo(backend, job, args.positionals[1] ?? `${id}.mp4`, io.cwd);
      if (args.values.json === true) io.stdout.write(`${JSON.stringify({ jobId: id, savedTo: saved })}\n`);
      else io.stdout.write(`Saved ${saved}\n`);
      return EXIT_CODES.ok;
    } finally {
      await backend.close();
    }
  },
};
