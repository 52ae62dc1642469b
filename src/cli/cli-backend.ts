import { join } from 'node:path';
import { ReelayClient } from '../client/reelay-client.js';
import { loadConfig, type ReelayConfig } from '../config/app-config.js';
import { createLogger } from '../config/logger.js';
import type { Logger } from '../domain/logger.js';
import { createReelay, type Reelay } from '../jobs/create-reelay.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import { configureMediaTools } from '../providers/media/media-tools.js';
import { stringValue } from './arg-parser.js';
import type { CliIo } from './cli-io.js';
import type { ParsedArgs } from './command-spec.js';
import { type LogFormat, prettyLogStream } from './pretty-log-stream.js';
import { RemoteReelayService } from './remote-reelay-service.js';
import { loadTestProviders } from './test-providers.js';

/** What a command talks to: the service, local (embedded container) or remote (`--server`). */
export interface Backend {
  service: ReelayService;
  /** The server URL when remote, else undefined. */
  server: string | undefined;
  /** The embedded container when local, else null. */
  local: Reelay | null;
  /** The local configuration (null when remote). */
  config: ReelayConfig | null;
  /** Releases it (stops the embedded worker, closes the stores). */
  close(): Promise<void>;
}

/** How to open a local backend. */
export interface LocalBackendOptions {
  /** Run a worker in this process. */
  worker: boolean;
  /** Periodic provider health checks. @default worker */
  healthChecks?: boolean;
  /** Log level when REELAY_LOG_LEVEL is unset. @default 'silent' */
  logLevel?: string;
  /** JSON lines, or human lines (a terminal). @default 'json' */
  logFormat?: LogFormat;
}

/** The `--server` URL (or REELAY_SERVER), without a trailing slash; undefined for local. */
export function serverUrl(io: CliIo, args: ParsedArgs): string | undefined {
  const raw = stringValue(args, 'server') ?? io.env.REELAY_SERVER;
  return raw ? raw.replace(/\/+$/, '') : undefined;
}

/** The local configuration, honouring `--data-dir`. */
export function cliConfig(io: CliIo, args: ParsedArgs): ReelayConfig {
  const dataDir = stringValue(args, 'data-dir');
  const config = loadConfig(dataDir ? { ...io.env, REELAY_DATA_DIR: dataDir } : io.env, io.cwd);
  configureMediaTools({
    ffmpegPath: config.ffmpegPath,
    ffprobePath: config.ffprobePath,
    ...(config.mediaNiceness === undefined ? {} : { niceness: config.mediaNiceness }),
  });
  return config;
}

/**
 * The structured logger on stderr, secrets scrubbed. Level REELAY_LOG_LEVEL, else `defaultLevel`:
 * `info` for the long-running serve and worker, `silent` for one-shot commands (whose output
 * already tells what happened, and whose terminal display log lines would garble). `pretty`
 * writes human lines (serve and worker on a terminal); secrets are scrubbed before either form.
 */
export function cliLogger(
  io: CliIo,
  config: ReelayConfig,
  defaultLevel = 'silent',
  format: LogFormat = 'json',
): Logger {
  return createLogger({
    level: io.env.REELAY_LOG_LEVEL || defaultLevel,
    secrets: Object.values(config.secrets),
    // The CLI chose the format itself (--log-format); the logger must not pretty-print again.
    pretty: false,
    destination:
      format === 'pretty'
        ? prettyLogStream(io.stderr, io.env.NO_COLOR === undefined)
        : (io.stderr as NodeJS.WritableStream),
  });
}

/** Opens the embedded container on the configured data directory (SQLite, or DATABASE_URL). */
export async function openLocal(io: CliIo, args: ParsedArgs, options: LocalBackendOptions): Promise<Reelay> {
  const config = cliConfig(io, args);
  return createReelay({
    config,
    logger: cliLogger(io, config, options.logLevel, options.logFormat),
    worker: options.worker,
    healthChecks: options.healthChecks ?? options.worker,
    providers: await loadTestProviders(io.env, io.cwd),
  });
}

/**
 * The backend of a command: a {@link RemoteReelayService} when `--server` (or REELAY_SERVER) is
 * set, else the embedded container.
 */
export async function openBackend(
  io: CliIo,
  args: ParsedArgs,
  options: LocalBackendOptions,
): Promise<Backend> {
  const server = serverUrl(io, args);
  if (server) {
    const apiKey = stringValue(args, 'api-key') ?? io.env.REELAY_API_KEY;
    // One quick retry: a CLI user wants "cannot reach the server" within seconds.
    const client = new ReelayClient({ baseUrl: server, ...(apiKey ? { apiKey } : {}), retries: 1 });
    const service = new RemoteReelayService({ client, baseUrl: server, ...(apiKey ? { apiKey } : {}) });
    return { service, server, local: null, config: null, close: async () => {} };
  }
  const local = await openLocal(io, args, options);
  return {
    service: local.service,
    server: undefined,
    local,
    config: local.config,
    close: () => local.close(),
  };
}

/** Where the SQLite file of a configuration lives (for messages). */
export function storeDescription(config: ReelayConfig): string {
  return config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `SQLite at ${join(config.dataDir, 'reelay.db')}`;
}
