import { type Clock, systemClock, type TimerHandle } from '../domain/clock.js';
import type { Disposable } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { HealthReport } from '../domain/provider.js';
import type { HealthStore } from '../state/router-state.js';
import { type BreakerView, noBreakers } from './breaker-view.js';
import { HealthRecords } from './health-records.js';
import type { ProviderCatalog } from './provider-catalog.js';
import type { HealthMonitorEvent, ProviderHealth } from './provider-health.js';
import { startTimedHealthCheck } from './timed-health-check.js';

/** Options of {@link HealthMonitor}. */
export interface HealthMonitorOptions {
  /** The providers to check. */
  catalog: ProviderCatalog;
  /** Checks are skipped while a provider's breaker is open. @default noBreakers */
  breakers?: BreakerView;
  /** Source of time and timers. @default systemClock */
  clock?: Clock;
  /** Random source for jitter, [0, 1). @default Math.random */
  random?: () => number;
  /** Time between the end of one check and the start of the next, in ms. @default 30000 */
  intervalMs?: number;
  /** Jitter as a fraction of the interval: the delay is interval × (1 ± jitter). @default 0.1 */
  jitter?: number;
  /** A check not finished after this many ms counts as failed and is aborted. @default 10000 */
  timeoutMs?: number;
  /** Number of most recent checks `uptime` is computed over. @default 100 */
  uptimeWindow?: number;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Where every check's result is written through; with a shared store, results written by other
   * processes replace this monitor's copy. @default none: kept in process only
   */
  store?: HealthStore;
}

interface Running {
  /** Settles with the check's result (or the timeout's). */
  result: Promise<ProviderHealth>;
  controller: AbortController;
  /** Ends the check now with a failed report (used on timeout and stop). */
  finish: (report: HealthReport) => void;
}

/**
 * Runs each provider's real `healthCheck(signal)` on a jittered interval, never two at once per
 * provider, with a timeout, skipping providers whose breaker is open; keeps uptime and
 * consecutive failures and emits `health-changed` when a provider turns healthy or unhealthy.
 *
 * @example
 * const monitor = new HealthMonitor({ catalog: registry, breakers });
 * monitor.on('health-changed', (e) => console.log(e.provider, e.healthy));
 * monitor.start();
 * monitor.getHealth('openai')?.uptime;
 * monitor.stop();
 */
export class HealthMonitor {
  private readonly catalog: ProviderCatalog;
  private readonly breakers: BreakerView;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly intervalMs: number;
  private readonly jitter: number;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly records: HealthRecords;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly running = new Map<string, Running>();
  /** Providers whose own health-check promise has not settled yet (e.g. it ignored the abort). */
  private readonly busy = new Set<string>();
  private started = false;
  /** Incremented by stop(); results of checks from an earlier epoch are not applied. */
  private epoch = 0;

  constructor(options: HealthMonitorOptions) {
    this.catalog = options.catalog;
    this.breakers = options.breakers ?? noBreakers;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.intervalMs = options.intervalMs ?? 30_000;
    this.jitter = options.jitter ?? 0.1;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.logger = options.logger ?? silentLogger;
    this.records = new HealthRecords({
      clock: this.clock,
      uptimeWindow: Math.max(1, options.uptimeWindow ?? 100),
      logger: this.logger,
      store: options.store,
      onStoreChange: (key) => {
        void (key === '*' ? this.load() : this.records.refresh(key));
      },
    });
  }

  /**
   * Reads the stored health of every provider of the catalog (what other processes checked), e.g.
   * on an instance that runs no checks itself. Never rejects.
   */
  async load(): Promise<void> {
    await Promise.all(this.catalog.list().map((p) => this.records.refresh(p.id)));
  }

  /** Resolves when every write started so far has settled. */
  async flush(): Promise<void> {
    await this.records.flush();
  }

  /** Stops checking and listening to other processes. */
  close(): void {
    this.stop();
    this.records.close();
  }

  /** Starts checking every provider of the catalog now, then on the interval. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.scheduleNewProviders();
  }

  /** Stops: clears every timer and aborts running checks. No timers remain afterwards. */
  stop(): void {
    this.started = false;
    this.epoch += 1;
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
    for (const run of [...this.running.values()]) {
      run.controller.abort(new ReelayError('REELAY_ERR_CANCELED', 'Health monitor stopped.'));
      run.finish({ healthy: false, latencyMs: 0, message: 'health monitor stopped' });
    }
  }

  /** Whether the monitor is running. */
  get isRunning(): boolean {
    return this.started;
  }

  /**
   * Checks one provider now (joins a check already running for it). When an earlier check timed
   * out and the provider has still not returned, no second call is made: the last known health
   * is returned.
   * @throws ReelayError `REELAY_ERR_PROVIDER_UNKNOWN` when the catalog has no such provider.
   */
  checkNow(providerId: string): Promise<ProviderHealth> {
    const run = this.running.get(providerId);
    if (run) return run.result;
    const provider = this.catalog.find(providerId);
    if (!provider) {
      return Promise.reject(
        new ReelayError(
          'REELAY_ERR_PROVIDER_UNKNOWN',
          `Cannot check the health of unknown provider "${providerId}".`,
          {
            provider: providerId,
          },
        ),
      );
    }
    const last = this.records.get(providerId);
    if (this.busy.has(providerId) && last) return Promise.resolve(last);
    return this.run(providerId, (signal) => provider.healthCheck(signal));
  }

  /** Last known health of a provider; `undefined` before its first check. */
  getHealth(providerId: string): ProviderHealth | undefined {
    return this.records.get(providerId);
  }

  /** Last known health of every checked provider. */
  getAll(): ProviderHealth[] {
    return this.records.all();
  }

  /** Subscribes to monitor events. */
  on<T extends HealthMonitorEvent['type']>(
    type: T,
    listener: (event: Extract<HealthMonitorEvent, { type: T }>) => void,
  ): Disposable {
    return this.records.on(type, listener);
  }

  /** The next delay: interval × (1 + jitter × (2·random − 1)). */
  private nextDelay(): number {
    return Math.max(0, this.intervalMs * (1 + this.jitter * (2 * this.random() - 1)));
  }

  private schedule(providerId: string, delayMs: number): void {
    const previous = this.timers.get(providerId);
    if (previous !== undefined) this.clock.clearTimeout(previous);
    this.timers.set(
      providerId,
      this.clock.setTimeout(() => this.tick(providerId), delayMs),
    );
  }

  /** Schedules an immediate first check for providers that joined the catalog (except `current`). */
  private scheduleNewProviders(current?: string): void {
    for (const provider of this.catalog.list()) {
      if (provider.id === current || this.timers.has(provider.id) || this.running.has(provider.id)) continue;
      this.schedule(provider.id, 0);
    }
  }

  private tick(providerId: string): void {
    this.timers.delete(providerId);
    if (!this.started) return;
    this.scheduleNewProviders(providerId);
    if (this.breakers.isOpen(providerId) || this.busy.has(providerId) || !this.catalog.find(providerId)) {
      this.logger.debug({ tag: 'HEALTH_CHECK_SKIPPED', provider: providerId }, 'health check skipped');
      this.schedule(providerId, this.nextDelay());
      return;
    }
    void this.checkNow(providerId)
      .catch(() => undefined)
      .then(() => {
        if (this.started) this.schedule(providerId, this.nextDelay());
      });
  }

  private run(
    providerId: string,
    check: (signal: AbortSignal) => Promise<HealthReport>,
  ): Promise<ProviderHealth> {
    const timed = startTimedHealthCheck(this.clock, providerId, this.timeoutMs, check);
    this.busy.add(providerId);
    void timed.settled.finally(() => this.busy.delete(providerId));
    const epoch = this.epoch;
    const result = timed.report.then((r) => {
      this.running.delete(providerId);
      // A check ended by stop() is not evidence about the provider: report it, do not record it.
      if (epoch !== this.epoch) return this.records.get(providerId) ?? this.records.unrecorded(providerId, r);
      return this.records.record(providerId, r);
    });
    this.running.set(providerId, { result, controller: timed.controller, finish: timed.finish });
    return result;
  }
}
