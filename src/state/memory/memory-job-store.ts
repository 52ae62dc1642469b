import { type Clock, isoAt, systemClock } from '../../domain/clock.js';
import type { JobRecord } from '../../domain/job-record.js';
import { isLeaseExpired, recoverJob, renewJobLease, startJob } from '../../domain/job-state-machine.js';
import type { JobListQuery, JobPage, JobStore } from '../job-store.js';
import {
  DEFAULT_MAX_UPDATE_ATTEMPTS,
  decodeCursor,
  encodeCursor,
  jobExists,
  jobNotFound,
  nextVersion,
  pageSize,
  updateContention,
} from '../job-store-support.js';

/** Options of {@link MemoryJobStore}. */
export interface MemoryJobStoreOptions {
  /** Source of `updatedAt` and of lease renewal time. @default systemClock */
  clock?: Clock;
  /** Lost optimistic-concurrency races tolerated by `update`. @default 10 */
  maxUpdateAttempts?: number;
}

interface Row {
  seq: number;
  record: JobRecord;
}

/**
 * In-memory {@link JobStore}: for tests and single-process library use. Records are copied in
 * and out, so callers never share mutable state with the store.
 */
export class MemoryJobStore implements JobStore {
  private readonly rows = new Map<string, Row>();
  private seq = 0;
  private readonly clock: Clock;
  private readonly maxUpdateAttempts: number;

  constructor(options: MemoryJobStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxUpdateAttempts = options.maxUpdateAttempts ?? DEFAULT_MAX_UPDATE_ATTEMPTS;
  }

  async create(record: JobRecord): Promise<JobRecord> {
    if (this.rows.has(record.id)) throw jobExists(record.id);
    this.seq += 1;
    this.rows.set(record.id, { seq: this.seq, record: structuredClone(record) });
    return structuredClone(record);
  }

  async get(id: string): Promise<JobRecord | null> {
    const row = this.rows.get(id);
    return row ? structuredClone(row.record) : null;
  }

  async update(id: string, mutate: (record: JobRecord) => JobRecord): Promise<JobRecord> {
    for (let attempt = 1; attempt <= this.maxUpdateAttempts; attempt++) {
      const row = this.rows.get(id);
      if (!row) throw jobNotFound(id);
      const seen = row.record.version;
      const next = nextVersion(row.record, mutate(structuredClone(row.record)), isoAt(this.clock));
      // `mutate` may itself have written (directly or through another caller): compare and swap.
      if (row.record.version !== seen) continue;
      row.record = structuredClone(next);
      return next;
    }
    throw updateContention(id, this.maxUpdateAttempts);
  }

  async list(query: JobListQuery = {}): Promise<JobPage> {
    const limit = pageSize(query.limit);
    const before = query.cursor === undefined ? Number.POSITIVE_INFINITY : decodeCursor(query.cursor);
    const matches = [...this.rows.values()]
      .filter((r) => r.seq < before && (query.status === undefined || r.record.status === query.status))
      .sort((a, b) => b.seq - a.seq)
      .slice(0, limit + 1);
    const page = matches.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => structuredClone(r.record)),
      nextCursor: matches.length > limit && last ? encodeCursor(last.seq) : null,
    };
  }

  async claim(owner: string, leaseMs: number, now: number): Promise<JobRecord | null> {
    const candidates = [...this.rows.values()]
      .filter(
        (r) =>
          r.record.status === 'queued' || (r.record.status === 'running' && isLeaseExpired(r.record, now)),
      )
      .sort((a, b) => a.seq - b.seq);
    const row = candidates[0];
    if (!row) return null;
    const requeued = row.record.status === 'running' ? recoverJob(row.record, now) : row.record;
    const next = nextVersion(
      row.record,
      startJob(requeued, { owner, leaseMs, now }),
      new Date(now).toISOString(),
    );
    row.record = structuredClone(next);
    return next;
  }

  async renewLease(id: string, owner: string, leaseMs: number): Promise<JobRecord> {
    return this.update(id, (r) => renewJobLease(r, owner, leaseMs, this.clock.now()));
  }
}
