import { canAccessJob, type Principal } from '../domain/access.js';
import type { JobRecord, JobStatus } from '../jobs/job-record.js';
import type { ReelayService } from '../jobs/reelay-service.js';

/** Most jobs one filtered page reads before it answers with what it found (and a cursor). */
export const OWNED_SCAN_LIMIT = 1000;

/**
 * One page of the jobs the caller may see, newest first: every job for an admin, else only the
 * caller's own. Store pages are read with a size of what is still missing, so the page never
 * holds more than `limit` and the store's cursor stays exact; it may hold fewer when
 * {@link OWNED_SCAN_LIMIT} jobs were read (follow `nextCursor`).
 */
export async function listVisibleJobs(
  service: ReelayService,
  caller: Principal,
  query: { status?: JobStatus; limit?: number; cursor?: string },
): Promise<{ items: JobRecord[]; nextCursor: string | null }> {
  if (caller.scopes.has('admin')) return service.listJobs(query);
  const limit = query.limit ?? 20;
  const items: JobRecord[] = [];
  let cursor = query.cursor;
  let scanned = 0;
  for (;;) {
    const page = await service.listJobs({
      ...(query.status ? { status: query.status } : {}),
      limit: limit - items.length,
      ...(cursor ? { cursor } : {}),
    });
    scanned += page.items.length;
    for (const job of page.items) if (canAccessJob(caller, job.submittedBy)) items.push(job);
    if (page.nextCursor === null) return { items, nextCursor: null };
    cursor = page.nextCursor;
    if (items.length >= limit || scanned >= OWNED_SCAN_LIMIT) return { items, nextCursor: cursor };
  }
}
