import { createHash } from 'node:crypto';
import { ReelayError } from '../domain/errors.js';

/** What an `Idempotency-Key` may look like: printable ASCII, 1–255 characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The job id a request with `Idempotency-Key: key` gets: derived from the key alone, so that every
 * instance (and a retry after a crash) computes the same id and the job store's unique id makes
 * the second submit find the first job instead of creating another. Shaped like the ids
 * `randomIds` makes (`job_` + a UUID). With an `owner` (the API key's owner name) the id is
 * derived from owner and key, so two owners using the same key get two jobs.
 * @throws ReelayError REELAY_ERR_VALIDATION when the key is empty, too long or not printable ASCII.
 */
export function idempotentJobId(key: string, owner: string | null = null): string {
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ReelayError(
      'REELAY_ERR_VALIDATION',
      'The Idempotency-Key header must be 1–255 printable ASCII characters without spaces; send a UUID.',
      { details: { fields: { 'Idempotency-Key': 'invalid' } } },
    );
  }
  // Each key owner has its own key space: another owner's key can neither find nor block the job.
  const scoped = owner === null ? key : `${owner}\n${key}`;
  const hex = createHash('sha256').update(`reelay-idempotency:${scoped}`).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `job_${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Refuses a reused key whose request differs from the one that created the job.
 * @throws ReelayError REELAY_ERR_CONFLICT naming the job.
 */
export function assertSameRequest(jobId: string, stored: unknown, submitted: unknown): void {
  if (canonicalJson(stored) === canonicalJson(submitted)) return;
  throw new ReelayError(
    'REELAY_ERR_CONFLICT',
    `This Idempotency-Key already created job ${jobId} with a different request; use a new key for a new request.`,
    { details: { jobId } },
  );
}

/** JSON with object keys sorted, so that a store that reorders keys (jsonb) compares equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
