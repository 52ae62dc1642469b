import type { FastifyBaseLogger } from 'fastify';
import { type Logger, silentLogger } from '../domain/logger.js';
import { redactKeyLike } from '../domain/redact.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Reduces what Fastify passes to a log call to plain, safe facts: requests and responses become
 * method/url/status (never headers, so an `Authorization` header cannot reach a log line), errors
 * become their code and redacted message (no stack).
 */
function sanitize(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'req' && typeof v === 'object' && v !== null) {
      const r = v as { method?: unknown; url?: unknown };
      out.req = { method: r.method, url: r.url };
    } else if (key === 'res' && typeof v === 'object' && v !== null) {
      const r = v as { statusCode?: unknown };
      out.res = { statusCode: r.statusCode };
    } else if (key === 'err' || v instanceof Error) {
      const e = v as { code?: unknown; message?: unknown };
      out[key] = { code: e.code, message: redactKeyLike(String(e.message ?? '')) };
    } else if (key !== 'headers' && key !== 'authorization') {
      out[key] = v;
    }
  }
  return out;
}

/**
 * Adapts Reelay's {@link Logger} seam to the logger interface Fastify expects, so the server logs
 * through the application's logger (pino in production, `MemoryLogger` in tests) and every line of
 * a request carries the bindings Fastify adds (its `correlationId`).
 */
export function toFastifyLogger(logger: Logger, level = 'info'): FastifyBaseLogger {
  // Fastify asks for a child logger per request: when the child is the same logger (the silent
  // one), the adapter is reused instead of rebuilt.
  const self: FastifyBaseLogger = adapt(logger, level, (bindings) => {
    if (logger === silentLogger) return self;
    const child = logger.child(sanitize(bindings));
    return child === logger ? self : toFastifyLogger(child, level);
  });
  return self;
}

function adapt(
  logger: Logger,
  level: string,
  child: (bindings: Record<string, unknown>) => FastifyBaseLogger,
): FastifyBaseLogger {
  const silent = logger === silentLogger;
  const at =
    (lvl: Level) =>
    (...args: unknown[]): void => {
      if (silent) return;
      const [first, second] = args;
      if (typeof first === 'string') logger[lvl]({}, first);
      else logger[lvl](sanitize(first), typeof second === 'string' ? second : undefined);
    };
  return {
    level,
    fatal: at('error'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('debug'),
    silent: () => {},
    child,
  };
}
