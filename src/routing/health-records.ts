import type { Clock } from '../domain/clock.js';
import { type Disposable, TypedEmitter } from '../domain/disposable.js';
import { errorMessage } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import type { HealthReport } from '../domain/provider.js';
import type { HealthStore } from '../state/router-state.js';
import { HealthStoreLink } from './health-store-link.js';
import {
  fromStoredHealth,
  type HealthMonitorEvent,
  healthAfterCheck,
  type ProviderHealth,
} from './provider-health.js';

/** Options of {@link HealthRecords}. */
export interface HealthRecordsOptions {
  /** Source of `lastCheckedAt` for reports that are not recorded. */
  clock: Clock;
  /** Number of most recent checks `uptime` is computed over (at least 1). */
  uptimeWindow: number;
  logger: Logger;
  /** Where every recorded check is written through; absent: kept in process only. */
  store?: HealthStore | undefined;
  /** Called when the store announces a change: a provider id, or `*` when everything may have changed. */
  onStoreChange: (key: string) => void;
}

/**
 * What the health monitor knows about each provider: the last health and the window of recent
 * results `uptime` is computed over, written through to a (possibly shared) store. Logs and emits
 * `health-changed` when a provider's `healthy` flag changes (including its first check). Every
 * read returns a copy.
 */
export class HealthRecords {
  private readonly clock: Clock;
  private readonly uptimeWindow: number;
  private readonly logger: Logger;
  private readonly emitter: TypedEmitter<HealthMonitorEvent>;
  private readonly health = new Map<string, ProviderHealth>();
  private readonly history = new Map<string, boolean[]>();
  private readonly link: HealthStoreLink | undefined;

  constructor(options: HealthRecordsOptions) {
    this.clock = options.clock;
    this.uptimeWindow = options.uptimeWindow;
    this.logger = options.logger;
    this.emitter = new TypedEmitter((error) =>
      this.logger.warn(
        { tag: 'HEALTH_LISTENER_FAILED', error: errorMessage(error) },
        'health listener threw',
      ),
    );
    this.link = options.store
      ? new HealthStoreLink(options.store, this.logger, options.onStoreChange)
      : undefined;
  }

  /** Last known health of a provider; `undefined` before its first check. */
  get(providerId: string): ProviderHealth | undefined {
    const h = this.health.get(providerId);
    return h ? { ...h } : undefined;
  }

  /** Last known health of every checked provider. */
  all(): ProviderHealth[] {
    return [...this.health.values()].map((h) => ({ ...h }));
  }

  /** Records one check's report: updates the window, writes through, announces a change. */
  record(providerId: string, report: HealthReport): ProviderHealth {
    const history = this.history.get(providerId) ?? [];
    history.push(report.healthy);
    if (history.length > this.uptimeWindow) history.shift();
    this.history.set(providerId, history);
    const previous = this.health.get(providerId);
    const next = healthAfterCheck(providerId, report, previous, history, this.clock.now());
    this.health.set(providerId, next);
    this.link?.write(next, history);
    this.announce(previous, next);
    return { ...next };
  }

  /** A report as health without recording it (a check ended by stop() is no evidence). */
  unrecorded(providerId: string, report: HealthReport): ProviderHealth {
    return {
      provider: providerId,
      healthy: report.healthy,
      lastCheckedAt: this.clock.now(),
      latencyMs: report.latencyMs,
      message: report.message,
      uptime: 0,
      consecutiveFailures: 0,
      checks: 0,
    };
  }

  /** Replaces this copy with the stored health when that is newer. Never rejects. */
  async refresh(providerId: string): Promise<void> {
    const stored = await this.link?.read(providerId);
    const previous = this.health.get(providerId);
    if (!stored || (previous && previous.lastCheckedAt > stored.checkedAt)) return;
    const { health: next, recent } = fromStoredHealth(providerId, stored);
    this.history.set(providerId, recent.slice(-this.uptimeWindow));
    this.health.set(providerId, next);
    this.announce(previous, next);
  }

  /** Resolves when every write started so far has settled. */
  async flush(): Promise<void> {
    await this.link?.flush();
  }

  /** Stops listening to the store's changes. */
  close(): void {
    this.link?.close();
  }

  /** Subscribes to `health-changed` events. */
  on<T extends HealthMonitorEvent['type']>(
    type: T,
    listener: (event: Extract<HealthMonitorEvent, { type: T }>) => void,
  ): Disposable {
    return this.emitter.on(type, listener);
  }

  private announce(previous: ProviderHealth | undefined, next: ProviderHealth): void {
    const providerId = next.provider;
    const now = next.lastCheckedAt;
    if (previous?.healthy !== next.healthy) {
      this.logger.info(
        {
          tag: 'PROVIDER_HEALTH_CHANGED',
          provider: providerId,
          healthy: next.healthy,
          message: next.message,
        },
        `provider ${providerId} is now ${next.healthy ? 'healthy' : 'unhealthy'}`,
      );
      this.emitter.emit({
        type: 'health-changed',
        provider: providerId,
        healthy: next.healthy,
        previous: previous?.healthy ?? null,
        message: next.message,
        timestamp: new Date(now).toISOString(),
      });
    }
  }
}
