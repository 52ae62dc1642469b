import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import type { ReelayConfig } from '../config/app-config.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import { RedisBreakerStateStore } from '../state/redis/redis-breaker-state-store.js';
import type { RedisKeys } from '../state/redis/redis-keys.js';
import { RedisSpendLedger } from '../state/redis/redis-spend-ledger.js';
import { RedisSpendStore } from '../state/redis/redis-spend-store.js';
import { RedisVersionedStore } from '../state/redis/redis-versioned-store.js';
import type {
  BreakerStateStore,
  FailureHistoryStore,
  HealthStore,
  SpendStore,
} from '../state/router-state.js';
import { SqliteRouterState } from '../state/sqlite/sqlite-router-state-tier.js';
import { L1Cache } from '../state/tiers/l1-cache.js';
import { StateSnapshotter } from '../state/tiers/state-snapshots.js';
import type { StateHealthReport } from '../state/tiers/tier-health.js';
import {
  TieredBreakerStateStore,
  TieredFailureHistoryStore,
  TieredHealthStore,
} from '../state/tiers/tiered-router-stores.js';
import { TieredStateStore } from '../state/tiers/tiered-state-store.js';

/** The router's state tiers in one process. */
export interface RouterStateTiers {
  /** L1 + L2 (with Redis) + durable. */
  state: TieredStateStore;
  /** Strongly consistent breaker state shared through Redis; absent without Redis. */
  breakers?: RedisBreakerStateStore;
  /** Shared atomic spend against budgets; absent without Redis. */
  spend?: RedisSpendLedger;
  /**
   * Where the routing kit keeps breaker states (fallback of `breakers` with Redis), provider health
   * and per-job failure history: on the tiers, so shared through Redis and durable without it.
   */
  stores: { breakers: BreakerStateStore; health: HealthStore; failures: FailureHistoryStore };
  /**
   * The spend store budgets read: shared counters on Redis over the durable `spend` store given in
   * the options; without Redis, that durable store itself.
   */
  spendStore?: SpendStore;
  /** Exports the mode and L1 hit/miss counts as metrics on `registry`. */
  registerMetrics(registry: Registry): void;
  health(): Promise<StateHealthReport>;
  close(): Promise<void>;
}

/** Options of {@link openRouterStateTiers}. */
export interface RouterStateTiersOptions {
  config: ReelayConfig;
  clock: Clock;
  logger: Logger;
  /** The Redis connection and key names of a scale-out deployment. */
  redis?: { connection: Redis; keys: RedisKeys };
  /** Where the state metrics go (the instance's registry); see also `registerMetrics`. */
  registry?: Registry;
  /** The durable spend store (SQLite / PostgreSQL) the spend counters write through to. */
  spend?: SpendStore;
  /** Instance id carried in change announcements. @default a random UUID per store */
  instanceId?: string;
  /** Period of the reconciliation read and of the reconnection probe while degraded. @default 5000 */
  reconcileIntervalMs?: number;
}

/**
 * Builds the state tiers: L1 always, Redis (L2, breakers, spend, snapshots) with `REDIS_URL`, and
 * the durable tier in `router-state.db` under the data directory. Restores the latest snapshot
 * into an empty Redis (cold start), and exports the mode and L1 hit/miss counts as metrics.
 */
export async function openRouterStateTiers(options: RouterStateTiersOptions): Promise<RouterStateTiers> {
  const { config, clock, logger, redis } = options;
  const durable = new SqliteRouterState(join(config.dataDir, 'router-state.db'), config.sqliteSynchronous);
  const l1 = new L1Cache({ clock });
  const shared = redis
    ? new RedisVersionedStore({
        redis: redis.connection,
        keys: redis.keys,
        now: () => clock.now(),
        ...(options.instanceId ? { instanceId: options.instanceId } : {}),
      })
    : undefined;
  const state = new TieredStateStore({
    l1,
    ...(shared ? { shared } : {}),
    durable,
    clock,
    ...(options.reconcileIntervalMs ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
    onModeChange: (mode, err) =>
      mode === 'degraded'
        ? logger.warn({ tag: 'STATE_DEGRADED', err }, 'Redis unreachable: router state on L1 + durable store')
        : logger.info({ tag: 'STATE_RECOVERED' }, 'Redis reachable again: router state shared'),
  });
  await state.start();
  let snapshotter: StateSnapshotter | undefined;
  if (shared) {
    snapshotter = new StateSnapshotter({
      shared,
      store: durable,
      clock,
      logger,
      intervalMs: config.stateSnapshots.intervalMs,
      retentionMs: config.stateSnapshots.retentionMs,
    });
    await snapshotter.restoreIfCold().catch((err: unknown) => {
      logger.warn({ tag: 'STATE_RESTORE_FAILED', err }, 'Could not restore the router-state snapshot');
    });
    snapshotter.start();
  }
  const registerMetrics = (registry: Registry): void => {
    new Gauge({
      name: 'reelay_state_degraded',
      help: '1 while Redis is unreachable and the router state runs on L1 + the durable store',
      registers: [registry],
      collect() {
        this.set(state.mode === 'degraded' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'reelay_state_l1_reads',
      help: 'L1 state cache reads by result (hit, miss) since start',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        const stats = l1.stats();
        this.set({ result: 'hit' }, stats.hits);
        this.set({ result: 'miss' }, stats.misses);
      },
    });
  };
  if (options.registry) registerMetrics(options.registry);
  const spendStore = redis
    ? new RedisSpendStore({
        redis: redis.connection,
        keys: redis.keys,
        ...(options.spend ? { durable: options.spend } : {}),
        onError: (err) =>
          logger.warn({ tag: 'SPEND_SHARED_FAILED', err }, 'Redis spend counters unreachable'),
      })
    : options.spend;
  return {
    state,
    ...(redis
      ? {
          breakers: new RedisBreakerStateStore({
            redis: redis.connection,
            keys: redis.keys,
            clock,
            ...(options.instanceId ? { instanceId: options.instanceId } : {}),
          }),
        }
      : {}),
    stores: {
      breakers: new TieredBreakerStateStore(state),
      health: new TieredHealthStore(state),
      failures: new TieredFailureHistoryStore(state),
    },
    ...(spendStore ? { spendStore } : {}),
    registerMetrics,
    ...(redis ? { spend: new RedisSpendLedger(redis.connection, redis.keys) } : {}),
    health: () => state.health(),
    close: async () => {
      snapshotter?.stop();
      await state.stop();
      durable.close();
    },
  };
}
