import { pino } from 'pino';
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
}

/**
 * Creates the structured JSON logger (pino) with secret redaction: well-known secret fields are
 * censored by path, and any configured secret value is scrubbed from the serialised line.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const destination = options.destination ?? process.stderr;
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
      base: { app: 'reelay' },
    },
    stream,
  );
}
