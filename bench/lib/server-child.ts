/**
 * A real Reelay server in its own process, for the fuzz, soak and resume benchmarks:
 * `node --import tsx bench/lib/server-child.ts [--no-worker] [--lease-ms N]`. Configuration comes
 * from the environment exactly as for `reelay serve` (REELAY_DATA_DIR, DATABASE_URL, REELAY_CONFIG,
 * …). Prints one JSON line `{"port":N,"pid":N}` once listening; closes on SIGTERM.
 */
import { loadConfig } from '../../src/config/app-config.js';
import { createReelay } from '../../src/jobs/create-reelay.js';
import { createServer } from '../../src/server/create-server.js';
import { startSoakDiag } from './soak-diag.js';

const worker = !process.argv.includes('--no-worker');
const leaseIndex = process.argv.indexOf('--lease-ms');
const leaseMs = leaseIndex === -1 ? undefined : Number(process.argv[leaseIndex + 1]);

const stopDiag = startSoakDiag(process.env.REELAY_SOAK_DIAG);
const config = loadConfig();
const reelay = await createReelay({
  config,
  worker,
  composer: { preset: 'ultrafast' },
  ...(leaseMs === undefined ? {} : { leaseMs }),
});
const app = createServer({ service: reelay.service, config: config.server });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address !== null ? address.port : 0;
process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);

const shutdown = async (): Promise<void> => {
  await app.close();
  await reelay.close();
  stopDiag();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
