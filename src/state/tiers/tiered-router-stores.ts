import type {
  BreakerStateStore,
  FailureHistoryStore,
  HealthStore,
  StoredFailure,
  StoredHealth,
  Unwatch,
} from '../router-state.js';
import type { StateKind } from './state-kind.js';
import type { TieredStateStore } from './tiered-state-store.js';

/** Prefix of the `routing`-kind keys holding one job's failure history. */
const FAILURES = 'failures:';
/** Conditional writes tried before a failure-history append gives up. */
const APPEND_ATTEMPTS = 8;

function watchKind(
  state: TieredStateStore,
  kind: StateKind,
  prefix: string,
  listener: (key: string) => void,
): Unwatch {
  return state.watch((changedKind, key) => {
    if (changedKind === '*') listener('*');
    else if (changedKind === kind && key.startsWith(prefix)) listener(key.slice(prefix.length));
  });
}

/**
 * Breaker states on the tiers (kind `breaker`): L1 + durable without Redis, L1 + Redis with it.
 * With Redis the breakers' transitions go through the strongly consistent
 * `RedisBreakerStateStore`; this store is where they fall back to while Redis is unreachable.
 */
export class TieredBreakerStateStore implements BreakerStateStore {
  constructor(private readonly state: TieredStateStore) {}

  async get(provider: string): Promise<unknown | undefined> {
    return (await this.state.getJson<unknown>('breaker', provider)) ?? undefined;
  }

  async set(provider: string, value: unknown): Promise<void> {
    await this.state.setJson('breaker', provider, value);
  }

  watch(listener: (key: string) => void): Unwatch {
    return watchKind(this.state, 'breaker', '', listener);
  }
}

/** Provider health on the tiers (kind `health`, session consistency), shared with Redis. */
export class TieredHealthStore implements HealthStore {
  constructor(private readonly state: TieredStateStore) {}

  async get(provider: string): Promise<StoredHealth | undefined> {
    return (await this.state.getJson<StoredHealth>('health', provider)) ?? undefined;
  }

  async set(provider: string, health: StoredHealth): Promise<void> {
    await this.state.setJson('health', provider, health);
  }

  watch(listener: (key: string) => void): Unwatch {
    return watchKind(this.state, 'health', '', listener);
  }
}

/**
 * Per-job failure history on the tiers (kind `routing`, key `failures:<jobId>`). Appends are
 * conditional writes on the list's version, retried on a conflict, so two processes recording a
 * failure of one job at once both keep theirs.
 */
export class TieredFailureHistoryStore implements FailureHistoryStore {
  constructor(private readonly state: TieredStateStore) {}

  async record(jobId: string, failure: StoredFailure): Promise<void> {
    const key = FAILURES + jobId;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt += 1) {
      const entry = await this.state.get('routing', key);
      const list = entry === null ? [] : (JSON.parse(entry.value) as StoredFailure[]);
      list.push({ ...failure });
      const result = await this.state.set('routing', key, JSON.stringify(list), entry?.version ?? 0);
      if (result.written) return;
    }
    throw new Error(`failure history of job ${jobId} kept changing; gave up after ${APPEND_ATTEMPTS} tries`);
  }

  async list(jobId: string): Promise<StoredFailure[]> {
    return (await this.state.getJson<StoredFailure[]>('routing', FAILURES + jobId)) ?? [];
  }

  async clear(jobId: string): Promise<void> {
    await this.state.setJson('routing', FAILURES + jobId, []);
  }

  watch(listener: (key: string) => void): Unwatch {
    return watchKind(this.state, 'routing', FAILURES, listener);
  }
}
