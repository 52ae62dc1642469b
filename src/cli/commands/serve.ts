import { ReelayError } from '../../domain/errors.js';
import { createServer } from '../../server/create-server.js';
import { RedisSessionStore } from '../../server/openai/session-store.js';
import { numberValue, stringValue } from '../arg-parser.js';
import { cliLogger, openLocal, storeDescription } from '../cli-backend.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { untilSignal } from '../interrupts.js';
import { MEMORY_SETTINGS } from '../memory-settings.js';
import { UsageError } from '../usage-error.js';
import { chosenLogFormat, LOG_FORMAT_OPTION } from './log-format-option.js';

/** `reelay serve`: the HTTP API (and, unless --no-worker, a worker) in this process. */
export const serveCommand: CommandSpec = {
  name: 'serve',
  summary: 'Run the HTTP API (and a worker) until Ctrl-C',
  description:
    'Runs the HTTP API, SSE streams and — unless --no-worker — a worker in this process, on the ' +
    'configured store (SQLite under the data directory, or PostgreSQL with DATABASE_URL). Prints the ' +
    'URL; SIGINT/SIGTERM close the server, stop the worker (running jobs resume elsewhere or on the ' +
    'next start) and close the stores. ' +
    MEMORY_SETTINGS,
  positionals: [],
  options: {
    port: {
      type: 'string',
      short: 'p',
      valueName: 'N',
      description: 'TCP port (0 = any free port)',
      defaultText: 'PORT or 8080',
    },
    host: {
      type: 'string',
      valueName: 'H',
      description: 'Interface to listen on',
      defaultText: 'HOST or 127.0.0.1',
    },
    'log-format': LOG_FORMAT_OPTION,
    'no-worker': {
      type: 'boolean',
      description:
        'API only: jobs are run by `reelay worker` processes on the same store (one SQLite file on this machine, or DATABASE_URL) and the same output directory',
    },
  },
  examples: [
    'reelay serve',
    'reelay serve --port 9000 --host 0.0.0.0',
    'DATABASE_URL=postgres://… reelay serve --no-worker',
  ],
  async run({ io }, args) {
    if (args.values.server !== undefined)
      throw new UsageError('`reelay serve` runs a server itself; --server does not apply.', 'serve');
    const port = numberValue(args, 'port', { integer: true, min: 0, max: 65535 });
    const worker = args.values['no-worker'] !== true;
    const logFormat = chosenLogFormat(io, args);
    const reelay = await openLocal(io, args, { worker, logLevel: 'info', logFormat });
    const { config } = reelay;
    const app = createServer({
      service: reelay.service,
      config: config.server,
      logger: cliLogger(io, config, 'info', logFormat),
      ...(reelay.redis
        ? { rateLimitRedis: reelay.redis, rateLimitRedisPrefix: `${config.redisPrefix}rate:` }
        : {}),
      ...(Object.keys(config.modelGroups).length === 0
        ? {}
        : {
            openai: {
              groups: config.modelGroups,
              secrets: config.secrets,
              audit: reelay.stores.audit,
              // Upstream attempts in the durable store: they survive restarts and every instance serves them.
              ...(reelay.stores.attempts ? { attempts: reelay.stores.attempts } : {}),
              costs: reelay.kit.costs,
              budgets: reelay.kit.budget,
              rateLimiter: reelay.kit.rateLimiter,
              bulkheads: reelay.kit.bulkheads,
              ...(config.hedging ? { hedging: config.hedging } : {}),
              // Sticky sessions shared by every API instance when Redis is configured.
              ...(reelay.redis
                ? { sessions: new RedisSessionStore(reelay.redis, `${config.redisPrefix}session:`) }
                : {}),
              ...(io.env.REELAY_DECISION_SECRET ? { decisionSecret: io.env.REELAY_DECISION_SECRET } : {}),
            },
          }),
    });
    const host = stringValue(args, 'host') ?? config.server.host;
    let url: string;
    try {
      url = await app.listen({ host, port: port ?? config.server.port });
    } catch (error) {
      await app.close().catch(() => {});
      await reelay.close();
      throw new ReelayError(
        'REELAY_ERR_PREFLIGHT',
        `Cannot listen on ${host}:${port ?? config.server.port} (${(error as Error).message}); choose another --port or --host.`,
        { cause: error },
      );
    }
    const info = { url, worker, store: storeDescription(config), auth: config.server.apiKeys.length > 0 };
    if (args.values.json === true) io.stdout.write(`${JSON.stringify({ type: 'listening', ...info })}\n`);
    else
      io.stdout.write(
        `Reelay API listening on ${url}\n` +
          `  worker ${worker ? 'on' : 'off (run `reelay worker` processes)'} · store ${info.store} · API keys ${info.auth ? 'required' : 'not required'}\n` +
          '  Stop with Ctrl-C.\n',
      );
    const signal = await untilSignal();
    io.stdout.write(`Received ${signal}: closing the server, stopping the worker, closing the stores…\n`);
    await app.close();
    await reelay.close();
    io.stdout.write('Stopped.\n');
    return EXIT_CODES.ok;
  },
};
