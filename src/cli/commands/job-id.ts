import { ReelayError } from '../../domain/errors.js';
import type { ReelayService } from '../../jobs/reelay-service.js';
import type { ParsedArgs } from '../command-spec.js';
import { UsageError } from '../usage-error.js';

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** How many recent jobs a prefix is matched against. */
const PREFIX_SCAN = 2000;

/** The `<id>` argument, checked for shape (a usage error otherwise). */
export function jobIdArg(args: ParsedArgs, command: string): string {
  const id = args.positionals[0] ?? '';
  if (!JOB_ID.test(id)) {
    throw new UsageError(
      `"${id.slice(0, 40)}" is not a job id (ids look like job_…; see \`reelay jobs\`).`,
      command,
    );
  }
  return id;
}

/**
 * The full id of the job `raw` names: the id itself, or a unique prefix of one (with or without
 * `job_`), matched against the most recent jobs, as with git's abbreviated commits.
 *
 * @throws ReelayError `REELAY_ERR_NOT_FOUND` when nothing matches; `REELAY_ERR_VALIDATION` (exit 2)
 * when the prefix matches several jobs (they are listed).
 * @example
 * await resolveJobId(service, '3f2c'); // 'job_3f2c9a…'
 */
export async function resolveJobId(
  service: Pick<ReelayService, 'getJob' | 'listJobs'>,
  raw: string,
): Promise<string> {
  if (await service.getJob(raw)) return raw;
  const prefixes = raw.startsWith('job_') ? [raw] : [raw, `job_${raw}`];
  const matches: string[] = [];
  let cursor: string | undefined;
  let scanned = 0;
  do {
    const page = await service.listJobs({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const job of page.items) if (prefixes.some((p) => job.id.startsWith(p))) matches.push(job.id);
    scanned += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor && scanned < PREFIX_SCAN);
  if (matches.length === 1) return matches[0] as string;
  if (matches.length === 0) throw notFound(raw);
  throw new ReelayError(
    'REELAY_ERR_VALIDATION',
    `"${raw}" matches ${matches.length} jobs (${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ', …' : ''}); give more of the id.`,
    { details: { fields: [{ field: 'id', message: 'ambiguous prefix' }] } },
  );
}

/** The `<id>` argument resolved to a full job id (see {@link resolveJobId}). */
export async function jobIdFrom(
  service: Pick<ReelayService, 'getJob' | 'listJobs'>,
  args: ParsedArgs,
  command: string,
): Promise<string> {
  return resolveJobId(service, jobIdArg(args, command));
}

/**
 * The job `raw` names (full id or unique prefix, see {@link resolveJobId}), read from the service.
 * @throws ReelayError `REELAY_ERR_NOT_FOUND` when it does not exist (or vanished since resolving).
 */
export async function resolveJob(
  service: Pick<ReelayService, 'getJob' | 'listJobs'>,
  raw: string,
): Promise<{ id: string; job: NonNullable<Awaited<ReturnType<ReelayService['getJob']>>> }> {
  const id = await resolveJobId(service, raw);
  const job = await service.getJob(id);
  if (!job) throw notFound(id);
  return { id, job };
}

function notFound(id: string): ReelayError {
  return new ReelayError(
    'REELAY_ERR_NOT_FOUND',
    `Job ${id} does not exist; check the id with \`reelay jobs\`.`,
  );
}
