import { ReelayApiError } from '../client/api-error.js';
import { type ErrorCode, ReelayError } from '../domain/errors.js';
import { redactKeyLike } from '../domain/redact.js';
import { EXIT_CODES } from './exit-codes.js';
import { UsageError } from './usage-error.js';

/** What to print for an error and the exit code to end with. */
export interface ErrorReport {
  exitCode: number;
  /** Lines for stderr (secrets redacted), ending with a newline. */
  text: string;
}

/** Context of {@link reportError}. */
export interface ErrorReportOptions {
  /** Print the stack of unexpected errors (`REELAY_DEBUG=1`). @default false */
  debug?: boolean;
  /** The `--server` URL, when remote. */
  server?: string;
  /** The command that failed, for the `--help` hint. */
  command?: string;
}

const USAGE_CODES: ReadonlySet<string> = new Set<ErrorCode>(['REELAY_ERR_VALIDATION', 'REELAY_ERR_CONFIG']);
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'REELAY_ERR_PREFLIGHT',
  'REELAY_ERR_NETWORK',
  'REELAY_ERR_TIMEOUT',
  'REELAY_ERR_CIRCUIT_OPEN',
]);

/** Invalid fields as `  - field: message` lines (from `details.fields` or problem `errors`). */
export function fieldLines(fields: unknown): string[] {
  if (!Array.isArray(fields)) return [];
  return fields
    .filter(
      (f): f is { field: string; message: string } => typeof f === 'object' && f !== null && 'field' in f,
    )
    .map((f) => `  - ${f.field}: ${f.message}`);
}

/** The exit code a stable error code maps to. */
export function exitCodeFor(code: string, httpStatus?: number): number {
  if (
    USAGE_CODES.has(code) ||
    httpStatus === 400 ||
    httpStatus === 401 ||
    httpStatus === 403 ||
    httpStatus === 413
  )
    return EXIT_CODES.usage;
  if (
    UNAVAILABLE_CODES.has(code) ||
    httpStatus === 0 ||
    httpStatus === 502 ||
    httpStatus === 503 ||
    httpStatus === 504
  )
    return EXIT_CODES.unavailable;
  if (code === 'REELAY_ERR_CANCELED') return EXIT_CODES.canceled;
  return EXIT_CODES.failed;
}

/**
 * Turns any error into a clear message (what happened, which stage or provider, what to do) and
 * the documented exit code. Stack traces only with `debug`; key-shaped strings are redacted.
 */
export function reportError(error: unknown, options: ErrorReportOptions = {}): ErrorReport {
  const lines: string[] = [];
  let exitCode: number = EXIT_CODES.failed;
  if (error instanceof UsageError) {
    exitCode = EXIT_CODES.usage;
    const command = error.command ?? options.command;
    lines.push(`reelay: ${error.message}`, `Run \`reelay ${command ? `${command} ` : ''}--help\` for usage.`);
  } else if (ReelayApiError.isInstance(error)) {
    exitCode = exitCodeFor(error.code, error.status);
    if (error.status === 0) {
      lines.push(
        `reelay: cannot reach the Reelay server at ${options.server ?? 'the given URL'} — ${error.detail}.`,
        '  Start it with `reelay serve`, or check --server / REELAY_SERVER.',
      );
    } else {
      lines.push(`reelay: ${error.detail}`);
      lines.push(...fieldLines(error.fields));
      if (error.status === 401) lines.push('  Pass the server’s API key with --api-key or REELAY_API_KEY.');
      if (error.status === 403)
        lines.push(
          '  The API key lacks that scope: use a key that has it (GET /api/auth/whoami shows a key’s scopes).',
        );
      lines.push(
        `  (${error.code}, HTTP ${error.status}${error.correlationId ? `, correlation id ${error.correlationId}` : ''})`,
      );
    }
  } else if (ReelayError.isInstance(error)) {
    exitCode = exitCodeFor(error.code);
    lines.push(`reelay: ${error.message}`);
    lines.push(...fieldLines(error.details.fields));
    const where = [
      error.stage ? `stage ${error.stage}` : '',
      error.provider ? `provider ${error.provider}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  (${error.code}${where ? `, ${where}` : ''})`);
  } else {
    const message = error instanceof Error ? error.message : String(error);
    lines.push(`reelay: unexpected error — ${message}`);
    if (!options.debug) lines.push('  Set REELAY_DEBUG=1 to see the stack trace.');
  }
  if (options.debug && error instanceof Error && error.stack) lines.push(error.stack);
  return { exitCode, text: `${lines.map(redactKeyLike).join('\n')}\n` };
}

/** The JSON printed on stdout for a failed command under `--json`. */
export interface ErrorJson {
  ok: false;
  exitCode: number;
  error: {
    /** A stable `REELAY_ERR_*` code (`REELAY_ERR_USAGE` for command-line mistakes). */
    code: string;
    message: string;
    fields?: Array<{ field: string; message: string }>;
    stage?: string;
    provider?: string;
    status?: number;
    correlationId?: string;
  };
}

/**
 * The `--json` form of a failure: the error's stable code, message (secrets redacted), invalid
 * fields and the exit code, so a script never has to parse stderr.
 */
export function errorJson(error: unknown, report: ErrorReport): ErrorJson {
  const fields = (raw: unknown): Array<{ field: string; message: string }> =>
    Array.isArray(raw)
      ? raw.filter(
          (f): f is { field: string; message: string } => typeof f === 'object' && f !== null && 'field' in f,
        )
      : [];
  let body: ErrorJson['error'];
  if (error instanceof UsageError) body = { code: 'REELAY_ERR_USAGE', message: error.message };
  else if (ReelayApiError.isInstance(error)) {
    const list = fields(error.fields);
    body = {
      code: error.code,
      message: error.detail,
      status: error.status,
      ...(list.length > 0 ? { fields: list } : {}),
      ...(error.correlationId ? { correlationId: error.correlationId } : {}),
    };
  } else if (ReelayError.isInstance(error)) {
    const list = fields(error.details.fields);
    body = {
      code: error.code,
      message: error.message,
      ...(list.length > 0 ? { fields: list } : {}),
      ...(error.stage ? { stage: error.stage } : {}),
      ...(error.provider ? { provider: error.provider } : {}),
    };
  } else
    body = { code: 'REELAY_ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) };
  body.message = redactKeyLike(body.message);
  return { ok: false, exitCode: report.exitCode, error: body };
}
