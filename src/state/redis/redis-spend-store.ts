import type { Redis } from 'ioredis';
import type { SpendRecord, SpendStore, SpendTotalQuery } from '../router-state.js';
import { RedisKeys } from './redis-keys.js';

/** Options of {@link RedisSpendStore}. */
export interface RedisSpendStoreOptions {
  redis: Redis;
  keys?: RedisKeys;
  /** Where every charge is also written, and totals are read from while Redis is unreachable. */
  durable?: SpendStore;
  /** Told when Redis fails (the store then answers from `durable`). */
  onError?: (error: unknown) => void;
  /** Expiry of a job's spend hash after its last charge, ms. @default 7 days */
  jobTtlMs?: number;
}

const MICROS = 1_000_000;
const DAY_MS = 86_400_000;
const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const sumFields = (fields: Record<string, string>, keep: (field: string) => boolean): number => {
  let total = 0;
  for (const [field, micros] of Object.entries(fields)) if (keep(field)) total += Number(micros);
  return total / MICROS;
};

/**
 * Spend against budgets shared by every instance through Redis: integer micro-dollar counters per
 * job and provider, and per provider and UTC day, so that a total is one or two hash reads. Every
 * charge is written to the durable store first (budgets survive restarts of everything); while
 * Redis fails, totals come from the durable store.
 */
export class RedisSpendStore implements SpendStore {
  private readonly redis: Redis;
  private readonly keys: RedisKeys;
  private readonly durable: SpendStore | undefined;
  private readonly onError: (error: unknown) => void;
  private readonly jobTtlMs: number;

  constructor(options: RedisSpendStoreOptions) {
    this.redis = options.redis;
    this.keys = options.keys ?? new RedisKeys();
    this.durable = options.durable;
    this.onError = options.onError ?? (() => {});
    this.jobTtlMs = options.jobTtlMs ?? 7 * DAY_MS;
  }

  async add(record: SpendRecord): Promise<void> {
    await this.durable?.add(record);
    const micros = Math.round(record.usd * MICROS);
    const tx = this.redis.multi();
    tx.hincrby(this.keys.spendOfProvider(record.provider), utcDay(record.at), micros);
    tx.sadd(this.keys.spendProviders(), record.provider);
    if (record.jobId !== undefined) {
      const job = this.keys.spendOfJob(record.jobId);
      tx.hincrby(job, record.provider, micros);
      tx.pexpire(job, this.jobTtlMs);
    }
    try {
      await tx.exec();
    } catch (error) {
      this.onError(error);
      if (!this.durable) throw error;
    }
  }

  async total(query: SpendTotalQuery): Promise<number> {
    // Day buckets answer "since" only from the start of a UTC day; job hashes have no times.
    const exact = query.sinceMs === undefined || (query.jobId === undefined && query.sinceMs % DAY_MS === 0);
    if (!exact && this.durable) return this.durable.total(query);
    try {
      return await this.totalOnRedis(query);
    } catch (error) {
      this.onError(error);
      if (!this.durable) throw error;
      return this.durable.total(query);
    }
  }

  private async totalOnRedis(query: SpendTotalQuery): Promise<number> {
    const { jobId, provider, sinceMs } = query;
    if (jobId !== undefined) {
      const fields = await this.redis.hgetall(this.keys.spendOfJob(jobId));
      return sumFields(fields, (p) => provider === undefined || p === provider);
    }
    const since = sinceMs === undefined ? '' : utcDay(sinceMs);
    const providers =
      provider === undefined ? await this.redis.smembers(this.keys.spendProviders()) : [provider];
    let total = 0;
    for (const p of providers) {
      total += sumFields(await this.redis.hgetall(this.keys.spendOfProvider(p)), (day) => day >= since);
    }
    return total;
  }
}
