/**
 * Names of the Redis keys and channels Reelay uses under one prefix (e.g. `reelay:`), so that
 * several deployments, or parallel test runs, share one Redis without touching each other's keys.
 */
export class RedisKeys {
  /** @param prefix prepended to every key and channel; `reelay:` by default. */
  constructor(readonly prefix = 'reelay:') {}

  /** Hash holding one versioned state value (`v`, `ver`, `at`). */
  state(kind: string, key: string): string {
    return `${this.prefix}state:${kind}:${key}`;
  }

  /** Pub/sub channel announcing every versioned state write. */
  stateChanges(): string {
    return `${this.prefix}state:changes`;
  }

  /** Hash holding one provider's circuit-breaker state. */
  breaker(provider: string): string {
    return `${this.prefix}breaker:${provider}`;
  }

  /** Pub/sub channel announcing every breaker transition. */
  breakerChanges(): string {
    return `${this.prefix}breaker:changes`;
  }

  /** Hash holding the spend against one budget. */
  spend(budget: string): string {
    return `${this.prefix}spend:${budget}`;
  }

  /** Hash of one job's spend per provider (integer micro-dollars). */
  spendOfJob(jobId: string): string {
    return `${this.prefix}spend-job:${jobId}`;
  }

  /** Hash of one provider's spend per UTC day (`YYYY-MM-DD` → integer micro-dollars). */
  spendOfProvider(provider: string): string {
    return `${this.prefix}spend-provider:${provider}`;
  }

  /** Set of the providers with spend in {@link RedisKeys.spendOfProvider}. */
  spendProviders(): string {
    return `${this.prefix}spend-providers`;
  }

  /** Hash of the holds of calls in flight on one spend counter (a job, or a provider's day or month). */
  spendHolds(counter: string): string {
    return `${this.prefix}spend-holds:${counter}`;
  }

  /** Stream of one job's events (a live copy of the durable event log). */
  jobEvents(jobId: string): string {
    return `${this.prefix}events:${jobId}`;
  }

  /** Pub/sub channel telling workers to stop a job (cancellation). */
  jobControl(): string {
    return `${this.prefix}jobs:control`;
  }

  /**
   * Keys of one rate-limit bucket: the sorted set of admitted requests, the Retry-After block and
   * the member sequence. The bucket sits in a hash tag so all three land on one cluster slot.
   */
  rateWindow(bucket: string): { log: string; block: string; seq: string } {
    const base = `${this.prefix}ratelimit:{${bucket}}`;
    return { log: `${base}:log`, block: `${base}:block`, seq: `${base}:seq` };
  }

  /** Key of a shared bulkhead's leases (a sorted set scored by expiry). */
  semaphore(name: string): string {
    return `${this.prefix}semaphore:{${name}}`;
  }

  /** Name of the BullMQ queue of jobs (BullMQ adds its own prefix). */
  jobQueue(): string {
    return `${this.prefix.replace(/:+$/, '').replace(/:/g, '-')}-jobs`;
  }
}
