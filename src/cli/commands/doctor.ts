import { errorMessage } from '../../domain/errors.js';
import type { Reelay } from '../../jobs/create-reelay.js';
import type { ReelayService } from '../../jobs/reelay-service.js';
import { COMPOSER_REQUIREMENTS } from '../../providers/video/ffmpeg-composer.js';
import { cliConfig, openBackend, openLocal, serverUrl, storeDescription } from '../cli-backend.js';
import type { CliIo } from '../cli-io.js';
import type { CommandSpec, ParsedArgs } from '../command-spec.js';
import {
  checkDirectory,
  checkEspeak,
  checkFfmpeg,
  checkProvider,
  type DoctorCheck,
  formatChecks,
  skippedCheck,
} from '../doctor-checks.js';
import { EXIT_CODES } from '../exit-codes.js';

async function localChecks(io: CliIo, args: ParsedArgs): Promise<DoctorCheck[]> {
  const config = cliConfig(io, args);
  const checks = await Promise.all([
    checkFfmpeg(COMPOSER_REQUIREMENTS),
    checkEspeak(),
    checkDirectory('data dir', config.dataDir),
    checkDirectory('output dir', config.outputDir),
  ]);
  let reelay: Reelay;
  try {
    reelay = await openLocal(io, args, { worker: false });
  } catch (error) {
    checks.push({
      name: 'store',
      status: 'fail',
      message: errorMessage(error),
      fix: config.databaseUrl
        ? 'Check DATABASE_URL and that PostgreSQL is up'
        : 'Check the data directory and the config file',
    });
    return checks;
  }
  try {
    await reelay.stores.jobs.list({ limit: 1 });
    checks.push({ name: 'store', status: 'ok', message: `${storeDescription(config)} opened` });
    const providers = await Promise.all(reelay.registry.list().map((p) => checkProvider(p)));
    checks.push(...providers, ...reelay.skippedProviders.map(skippedCheck));
  } catch (error) {
    checks.push({
      name: 'store',
      status: 'fail',
      message: errorMessage(error),
      fix: 'Check the store configuration',
    });
  } finally {
    await reelay.close();
  }
  return checks;
}

async function remoteChecks(service: ReelayService, server: string): Promise<DoctorCheck[]> {
  const ready = await service.readiness();
  const checks: DoctorCheck[] = [{ name: 'server', status: 'ok', message: `${server} answers` }];
  for (const [name, c] of Object.entries(ready.checks))
    checks.push({
      name,
      status: c.ok ? 'ok' : 'fail',
      message: c.message,
      ...(c.ok ? {} : { fix: 'Fix it on the server’s machine (run `reelay doctor` there)' }),
    });
  for (const p of await service.listProviders()) {
    const name = `provider ${p.id}`;
    if (!p.health) checks.push({ name, status: 'skip', message: 'not checked by the server yet' });
    else if (p.health.healthy)
      checks.push({ name, status: 'ok', message: `${p.health.message} (${p.health.latencyMs} ms)` });
    else
      checks.push({
        name,
        status: 'fail',
        message: p.health.message,
        fix: `Check ${p.displayName} on the server`,
      });
  }
  return checks;
}

/** `reelay doctor`: checks what Reelay needs and says how to fix what is missing. */
export const doctorCommand: CommandSpec = {
  name: 'doctor',
  summary: 'Check FFmpeg, espeak-ng, the data directory, the store and every provider',
  description:
    'Checks, one line each (OK / FAIL with the fix / SKIP): FFmpeg and ffprobe with the filters and ' +
    'encoders the composer needs, espeak-ng, that the data and output directories are writable with ' +
    'free space, the store, and each provider’s health check; networked providers left out for a ' +
    'missing key are listed with the variable to set. With --server, the server’s readiness checks and ' +
    'provider health. Exit 0 when nothing failed, 4 otherwise.',
  positionals: [],
  options: {},
  examples: ['reelay doctor', 'reelay doctor --server http://127.0.0.1:8080'],
  async run({ io }, args) {
    let checks: DoctorCheck[];
    const server = serverUrl(io, args);
    if (server) {
      const backend = await openBackend(io, args, { worker: false });
      checks = await remoteChecks(backend.service, server);
    } else checks = await localChecks(io, args);
    const failed = checks.filter((c) => c.status === 'fail').length;
    if (args.values.json === true)
      io.stdout.write(`${JSON.stringify({ ok: failed === 0, checks }, null, 2)}\n`);
    else {
      io.stdout.write(formatChecks(checks));
      io.stdout.write(
        failed === 0 ? '\nAll checks passed.\n' : `\n${failed} check(s) failed; see the fixes above.\n`,
      );
    }
    return failed === 0 ? EXIT_CODES.ok : EXIT_CODES.unavailable;
  },
};
