import { ReelayError } from '../domain/errors.js';
import type { JobRecord } from '../domain/job-record.js';

/** Page size of `JobStore.list` when none is given. */
export const DEFAULT_JOB_PAGE_SIZE = 20;
/** Largest page `JobStore.list` returns. */
export const MAX_JOB_PAGE_SIZE = 500;
/** How many lost optimistic-concurrency races `JobStore.update` tolerates before giving up. */
export const DEFAULT_MAX_UPDATE_ATTEMPTS = 10;

/** Clamps a requested page size to 1–{@link MAX_JOB_PAGE_SIZE}. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_JOB_PAGE_SIZE;
  return Math.min(MAX_JOB_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}

/** Encodes a store's insertion sequence number as an opaque cursor. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`j:${seq}`, 'utf8').toString('base64url');
}

/** Decodes {@link encodeCursor}; `REELAY_ERR_VALIDATION` for anything else. */
export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^j:(\d{1,15})$/.exec(text);
  if (!match?.[1]) {
    throw new ReelayError(
      'REELAY_ERR_VALIDATION',
      `The job list cursor "${cursor.slice(0, 40)}" is not valid; pass the nextCursor of the previous page.`,
    );
  }
  return Number(match[1]);
}

/** `REELAY_ERR_NOT_FOUND` for a missing job. */
export function jobNotFound(id: string): ReelayError {
  return new ReelayError('REELAY_ERR_NOT_FOUND', `Job ${id} does not exist; check the job id.`, {
    details: { jobId: id },
  });
}

/** `REELAY_ERR_CONFLICT` for creating a job whose id exists. */
export function jobExists(id: string): ReelayError {
  return new ReelayError('REELAY_ERR_CONFLICT', `Job ${id} already exists; use a new job id.`, {
    details: { jobId: id },
  });
}

/** `REELAY_ERR_CONFLICT` when `update` kept losing races. */
export function updateContention(id: string, attempts: number): ReelayError {
  return new ReelayError(
    'REELAY_ERR_CONFLICT',
    `Job ${id} was changed by another writer on each of ${attempts} attempts to update it; retry later.`,
    { retryable: true, details: { jobId: id, attempts } },
  );
}

/**
 * The record to store after `mutate` returned `next` for `current`: same id, version + 1,
 * `updatedAt` = `nowIso`. Refuses a mutation that changes the id.
 */
export function nextVersion(current: JobRecord, next: JobRecord, nowIso: string): JobRecord {
  if (next.id !== current.id) {
    throw new ReelayError(
      'REELAY_ERR_VALIDATION',
      `An update of job ${current.id} tried to change its id to ${next.id}; job ids never change.`,
      { details: { jobId: current.id } },
    );
  }
  return { ...next, version: current.version + 1, updatedAt: nowIso };
}
