import { redactKeyLike } from '../domain/redact.js';
import type { JobLogEntry } from './job-log-store.js';

function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactKeyLike(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)]));
  }
  return value;
}

/**
 * A copy of a job log entry with bearer tokens and key-shaped strings redacted from the message
 * and from every string in `fields` (the stores' last line of defence against leaked secrets).
 */
export function redactLogEntry(entry: JobLogEntry): JobLogEntry {
  const out: JobLogEntry = {
    level: entry.level,
    message: redactKeyLike(entry.message),
    timestamp: entry.timestamp,
  };
  if (entry.fields !== undefined) out.fields = redactValue(entry.fields) as Record<string, unknown>;
  return out;
}

/** Default number of entries `JobLogStore.read` returns. */
export const DEFAULT_JOB_LOG_READ_LIMIT = 200;
