import { pino } from 'pino';
import pretty from 'pino-pretty';
import type { Logger } from '../domain/logger.js';
import { redactUrlCredentials } from '../domain/redact.js';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level. @default process.env.REELAY_LOG_LEVEL ?? 'info' */
  level?: string;
  /** Secrets (API keys) to scrub from every record, wherever they appear. */
  secrets?: readonly string[];
  /** Where to write; defaults to stderr so stdout stays for program output. */
  destination?: NodeJS.WritableStream;
  /**
   * Human-readable lines (pino-pretty) instead of JSON. @default `REELAY_LOG_FORMAT` (`pretty` or
   * `json`), else pretty when both stdout and the destination are terminals
   */
  pretty?: boolean;
}

function wantsPretty(destination: NodeJS.WritableStream): boolean {
  const format = process.env.REELAY_LOG_FORMAT;
  if (format === 'pretty') return true;
  if (format === 'json') return false;
  return process.stdout.isTTY === true && (destination as { isTTY?: boolean }).isTTY === true;
}

/**
 * Creates the structured logger (pino): JSON lines carrying `name`, `pid` and `hostname`, pretty
 * printed on a terminal; secret redaction: well-known secret fields are censored by path, and any
 * configured secret value is scrubbed from the serialised line (before any pretty printing).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const target = options.destination ?? process.stderr;
  const destination: NodeJS.WritableStream =
    (options.pretty ?? wantsPretty(target))
      ? pretty({ destination: target, sync: true, colorize: true, ignore: 'pid,hostname,name' })
      : target;
  const stream = {
    write(line: string): void {
      let out = line;
      for (const secret of secrets) out = out.split(secret).join('[REDACTED]');
      out = redactUrlCredentials(out);
      destination.write(out);
    },
  };
  return pino(
    {
      level: options.level ?? process.env.REELAY_LOG_LEVEL ?? 'info',
      redact: {
        paths: ['apiKey', '*.apiKey', 'authorization', '*.authorization', 'headers.authorization', 'token'],
        censor: '[REDACTED]',
      },
      // pino's default base adds pid and hostname; name says which program wrote the line.
      name: 'reelay',
    },
    stream,
  );
}
