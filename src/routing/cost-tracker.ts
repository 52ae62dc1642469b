import { type Clock, systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { SpendStore } from '../state/router-state.js';

/** Periods spend is reported over: the current UTC day or month, or everything recorded. */
export type SpendPeriod = 'day' | 'month' | 'all';

/** Filter of {@link CostTracker.spent}. */
export interface SpendQuery {
  /** Only this job's spend (lifetime of the job; cannot be combined with `period`). */
  jobId?: string;
  /** Only this provider's spend. */
  provider?: string;
  /** Current UTC day, current UTC month, or all. @default 'all' */
  period?: SpendPeriod;
}

/** One charge. */
export interface SpendEntry {
  provider: string;
  usd: number;
  jobId?: string;
  /** When it was spent (ms since the Unix epoch). @default clock.now() */
  at?: number;
}

/** Options of {@link CostTracker}. */
export interface CostTrackerOptions {
  /** Source of time. @default systemClock */
  clock?: Clock;
  /** Days of per-provider daily totals kept (at least 62 so a month is always complete). @default 400 */
  retentionDays?: number;
  /** Jobs remembered; the least recently charged are forgotten beyond it. @default 10000 */
  maxJobs?: number;
  /**
   * Where every charge is also written, for budgets that survive restarts and are shared by the
   * processes on one database (the budget policy reads totals from it). @default none (memory only)
   */
  store?: SpendStore;
  /** Receives a failed write to `store`. @default silentLogger */
  logger?: Logger;
}

const DAY_MS = 86_400_000;

/** The last day key computed, and the UTC day it names (every budget check asks for today's). */
let cachedDay = { start: Number.NaN, key: '' };

/** The UTC day key (`YYYY-MM-DD`) of a time. */
export function utcDay(ms: number): string {
  const start = Math.floor(ms / DAY_MS) * DAY_MS;
  if (start === cachedDay.start) return cachedDay.key;
  const key = new Date(ms).toISOString().slice(0, 10);
  if (Number.isFinite(start)) cachedDay = { start, key };
  return key;
}

/**
 * Records spend per job, provider and UTC day, and answers totals per job, provider, day and
 * month. Days roll over at 00:00 UTC.
 *
 * @example
 * const costs = new CostTracker();
 * costs.record({ provider: 'openai', jobId: 'job_1', usd: 0.02 });
 * costs.spent({ provider: 'openai', period: 'day' }); // 0.02
 */
export class CostTracker {
  private readonly clock: Clock;
  private readonly retentionDays: number;
  private readonly maxJobs: number;
  private readonly jobs = new Map<string, Map<string, number>>();
  private readonly daily = new Map<string, Map<string, number>>();
  private readonly lifetime = new Map<string, number>();

  constructor(options: CostTrackerOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.retentionDays = Math.max(62, options.retentionDays ?? 400);
    this.maxJobs = Math.max(1, options.maxJobs ?? 10_000);
    this.store = options.store;
    this.logger = options.logger ?? silentLogger;
  }

  /** The durable spend store charges are written to, when there is one. */
  readonly store: SpendStore | undefined;
  private readonly logger: Logger;
  private readonly writing = new Set<Promise<void>>();

  /** Resolves when every charge recorded so far has been written to the store (or failed). */
  async written(): Promise<void> {
    if (this.writing.size > 0) await Promise.all(this.writing);
  }

  /**
   * Records one charge.
   * @throws ReelayError `REELAY_ERR_VALIDATION` for a negative or non-finite amount.
   */
  record(entry: SpendEntry): void {
    if (!Number.isFinite(entry.usd) || entry.usd < 0) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Invalid spend of ${entry.usd} USD for provider ${entry.provider}; amounts are ≥ 0.`,
        { provider: entry.provider },
      );
    }
    const at = entry.at ?? this.clock.now();
    if (this.store) {
      const write = this.store
        .add({
          provider: entry.provider,
          usd: entry.usd,
          at,
          ...(entry.jobId === undefined ? {} : { jobId: entry.jobId }),
        })
        .catch((err: unknown) =>
          this.logger.warn({ tag: 'SPEND_STORE_WRITE_FAILED', provider: entry.provider, err }),
        );
      this.writing.add(write);
      void write.finally(() => this.writing.delete(write));
    }
    if (entry.jobId !== undefined) {
      const job = this.jobs.get(entry.jobId) ?? new Map<string, number>();
      this.jobs.delete(entry.jobId);
      this.jobs.set(entry.jobId, job);
      job.set(entry.provider, (job.get(entry.provider) ?? 0) + entry.usd);
      if (this.jobs.size > this.maxJobs) {
        const oldest = this.jobs.keys().next().value;
        if (oldest !== undefined) this.jobs.delete(oldest);
      }
    }
    const days = this.daily.get(entry.provider) ?? new Map<string, number>();
    this.daily.set(entry.provider, days);
    const day = utcDay(at);
    days.set(day, (days.get(day) ?? 0) + entry.usd);
    this.lifetime.set(entry.provider, (this.lifetime.get(entry.provider) ?? 0) + entry.usd);
    this.prune(days);
  }

  /**
   * Total spend in US dollars matching the query.
   * @throws ReelayError `REELAY_ERR_VALIDATION` when `jobId` is combined with a `day`/`month` period.
   */
  spent(query: SpendQuery = {}): number {
    const period = query.period ?? 'all';
    if (query.jobId !== undefined) {
      if (period !== 'all') {
        throw new ReelayError(
          'REELAY_ERR_VALIDATION',
          'Job spend is reported for the whole job; ask for a provider or all providers to use a period.',
        );
      }
      const job = this.jobs.get(query.jobId);
      if (!job) return 0;
      if (query.provider !== undefined) return job.get(query.provider) ?? 0;
      return sum(job.values());
    }
    if (query.provider !== undefined && !this.daily.has(query.provider)) return 0; // nothing spent
    const providers = query.provider === undefined ? [...this.daily.keys()] : [query.provider];
    if (period === 'all') return sum(providers.map((p) => this.lifetime.get(p) ?? 0));
    const today = utcDay(this.clock.now());
    const prefix = period === 'day' ? today : today.slice(0, 7);
    let total = 0;
    for (const p of providers) {
      for (const [day, usd] of this.daily.get(p) ?? []) if (day.startsWith(prefix)) total += usd;
    }
    return total;
  }

  /** Forgets a finished job's spend (provider totals keep it). */
  forgetJob(jobId: string): void {
    this.jobs.delete(jobId);
  }

  private prune(days: Map<string, number>): void {
    const oldest = utcDay(this.clock.now() - this.retentionDays * DAY_MS);
    for (const day of days.keys()) if (day < oldest) days.delete(day);
  }
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
