import { errorMessage } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import { KeyedWrites } from '../state/keyed-writes.js';
import type { HealthStore, StoredHealth, Unwatch } from '../state/router-state.js';
import { type ProviderHealth, toStoredHealth } from './provider-health.js';

/**
 * The health monitor's link to a (possibly shared) health store: writes every recorded check
 * through, one chain per provider; reads what other processes stored when the store announces a
 * change. Store failures are logged, never thrown: the monitor keeps its own copy.
 */
export class HealthStoreLink {
  private readonly writes: KeyedWrites;
  private readonly unwatch: Unwatch | undefined;

  /** `onChange` is called with a provider id, or `*` when everything may have changed. */
  constructor(
    private readonly store: HealthStore,
    private readonly logger: Logger,
    onChange: (key: string) => void,
  ) {
    this.writes = new KeyedWrites((provider, error) =>
      logger.warn(
        { tag: 'HEALTH_STORE_WRITE_FAILED', provider, error: errorMessage(error) },
        'could not store a health check',
      ),
    );
    this.unwatch = store.watch?.(onChange);
  }

  /** Queues the write of a recorded check with its window of recent results. */
  write(health: ProviderHealth, recent: readonly boolean[]): void {
    const stored = toStoredHealth(health, recent);
    this.writes.queue(health.provider, () => this.store.set(health.provider, stored));
  }

  /** The stored health of a provider; undefined when there is none or the read failed (logged). */
  async read(providerId: string): Promise<StoredHealth | undefined> {
    try {
      return await this.store.get(providerId);
    } catch (error) {
      this.logger.warn(
        { tag: 'HEALTH_STORE_READ_FAILED', provider: providerId, error: errorMessage(error) },
        'could not read a stored health check',
      );
      return undefined;
    }
  }

  /** Resolves when every write queued so far has settled. */
  flush(): Promise<void> {
    return this.writes.flush();
  }

  /** Stops listening to the store's changes. */
  close(): void {
    this.unwatch?.();
  }
}
