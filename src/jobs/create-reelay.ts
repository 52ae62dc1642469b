import type { Redis } from 'ioredis';
import type { ReelayConfig } from '../config/app-config.js';
import { type Clock, systemClock } from '../domain/clock.js';
import { type IdGenerator, randomIds } from '../domain/ids.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import { VideoOrchestrator } from '../pipeline/video-orchestrator.js';
import { WATCHDOG_SUPPORTED } from '../providers/media/child-watchdog.js';
import { warmUpFfmpegInfo } from '../providers/media/ffmpeg-info.js';
import { configureMediaTools } from '../providers/media/media-tools.js';
import { acquireSpawnHelper } from '../providers/media/spawn-helper.js';
import type { SkippedProvider } from '../providers/networked/create-networked-providers.js';
import type { OfflineProvidersOptions } from '../providers/offline/index.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import type { FfmpegComposerOptions } from '../providers/video/ffmpeg-composer.js';
import { createRoutingKit, type RoutingKit } from '../routing/routing-kit.js';
import type { ReelayStores } from '../state/stores.js';
import { DecisionAnswerRelay } from './decision-answer-relay.js';
import { jobDecisionHooks } from './job-decision-hooks.js';
import { JobEventSink } from './job-event-sink.js';
import type { JobPruner } from './job-pruner.js';
import { JobRunner } from './job-runner.js';
import { registerLimitMetrics } from './limit-metrics.js';
import { LocalReelayService } from './local-reelay-service.js';
import { openEventWriter } from './open-event-writer.js';
import { openReelayStores } from './open-reelay-stores.js';
import { createProviderLimits } from './provider-limits.js';
import { ReelayMetrics } from './reelay-metrics.js';
import { createReelayProviders } from './reelay-providers.js';
import { startReelayRetention } from './reelay-retention.js';
import { openRouterStateTiers, type RouterStateTiers } from './router-state-tiers.js';

/** Options of {@link createReelay}. */
export interface CreateReelayOptions {
  config: ReelayConfig;
  logger?: Logger;
  clock?: Clock;
  ids?: IdGenerator;
  /** Stores to use instead of the configured ones (tests: `createMemoryStores()`). */
  stores?: ReelayStores;
  /** Providers registered after the built-in ones (a provider with a built-in id replaces it). */
  providers?: Provider[];
  /** Create the networked providers the configuration enables. @default true */
  networked?: boolean;
  /** Run a worker in this process. @default true */
  worker?: boolean;
  /** Start health checks on an interval. @default true when `worker` */
  healthChecks?: boolean;
  /** Worker lease length in ms. @default 30000 */
  leaseMs?: number;
  /** Idle worker poll interval in ms. @default 1000 */
  pollIntervalMs?: number;
  /** Run pre-flight checks before each job. @default true */
  preflight?: boolean;
  /** FFmpeg composer options (e.g. `preset: 'ultrafast'` in tests). */
  composer?: FfmpegComposerOptions;
  /** Offline provider options (e.g. `narration: ['espeak']` to register only some offline voices). */
  offline?: Omit<OfflineProvidersOptions, 'clock'>;
  /**
   * Other processes may share the stores (a CLI answering a decision, a split deployment on
   * PostgreSQL or on one SQLite file): live events are also read from the shared log, and `ask`
   * decisions can be answered through any process.
   * @default true when the stores come from the configuration (no `stores` given), else false
   */
  sharedStore?: boolean;
  /** Poll interval, in ms, of the shared event log when `sharedStore`. @default 500 */
  sharedPollMs?: number;
  /** Apply retention (`config.retention`) periodically in this process. @default worker */
  retentionSweep?: boolean;
}

/** The wired container every entry point (server, CLI, worker) uses. */
export interface Reelay {
  config: ReelayConfig;
  service: LocalReelayService;
  kit: RoutingKit;
  registry: ProviderRegistry;
  stores: ReelayStores;
  runner: JobRunner;
  /** Retention of finished jobs' files (`reelay prune`, and the worker's hourly sweep). */
  pruner: JobPruner;
  sink: JobEventSink;
  orchestrator: VideoOrchestrator;
  metrics: ReelayMetrics;
  /** The router's state tiers (L1, Redis, durable), for the router to use and for health reports. */
  routerState: RouterStateTiers;
  /** Networked providers not created, and why (missing key, disabled). */
  skippedProviders: SkippedProvider[];
  /** The Redis command connection when `REDIS_URL` is set (shared rate limits, state). */
  redis?: Redis;
  close(): Promise<void>;
}

/**
 * Builds Reelay's container from configuration: stores (SQLite under the data directory, or
 * PostgreSQL with `DATABASE_URL`), providers (offline ones always, networked ones when configured),
 * the router, the orchestrator, the worker and the service facade.
 *
 * @example
 * const reelay = await createReelay({ config: loadConfig() });
 * const job = await reelay.service.submit({ brief: 'How tides work, for curious kids' });
 */
export async function createReelay(options: CreateReelayOptions): Promise<Reelay> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const logger = options.logger ?? silentLogger;
  const worker = options.worker ?? true;
  configureMediaTools({
    ffmpegPath: config.ffmpegPath,
    ffprobePath: config.ffprobePath,
    ...(config.mediaNiceness === undefined ? {} : { niceness: config.mediaNiceness }),
  });

  const { registry, profiles, skipped, keyIds } = createReelayProviders(config, options, {
    clock,
    logger,
    // The limiter is built with the router below; responses only arrive once jobs run.
    observeResponse: (id, headers, status) => limits.rateLimiter.learn(id, headers, status),
  });

  const { stores, scaleOut, sharedStore } = await openReelayStores(config, options, { clock, logger });

  const limits = createProviderLimits(config, {
    clock,
    logger,
    keyIds,
    ...(scaleOut ? { redis: { connection: scaleOut.redis, keys: scaleOut.keys } } : {}),
  });
  // Router state: breakers, health and failure history on the tiers (shared through Redis with
  // REDIS_URL, breaker transitions atomically there; durable in router-state.db without it).
  const routerState = await openRouterStateTiers({
    config,
    clock,
    logger,
    ...(stores.spend ? { spend: stores.spend } : {}),
    ...(scaleOut ? { redis: { connection: scaleOut.redis, keys: scaleOut.keys } } : {}),
  });
  const kit = createRoutingKit({
    rateLimiter: limits.rateLimiter,
    bulkheads: limits.bulkheads,
    registry,
    profiles,
    audit: stores.audit,
    patienceProfile: config.patienceProfile,
    budgets: config.budgets,
    state: routerState.stores,
    ...(routerState.breakers ? { sharedBreakers: routerState.breakers } : {}),
    ...(routerState.spendStore ? { spend: routerState.spendStore } : {}),
    ...(routerState.spend ? { spendLedger: routerState.spend } : {}),
    ...(stores.pendingDecisions ? { pendingDecisions: stores.pendingDecisions } : {}),
    maxSwitchesPerStage: config.maxSwitchesPerStage,
    ...(config.hedging ? { hedging: config.hedging } : {}),
    ...(config.decisionTimeoutMs === undefined ? {} : { decisionTimeoutMs: config.decisionTimeoutMs }),
    clock,
    ids,
    logger,
  });
  // A worker on PostgreSQL and Redis writes job events on a thread of its own (live events do not
  // wait for this event loop, busy with the pipeline).
  const writer = await openEventWriter(config, { worker, givenStores: options.stores !== undefined }, logger);
  const sink = new JobEventSink(stores.events, stores.jobLogs, clock, logger, writer);
  const metrics = new ReelayMetrics(kit.breakers);
  routerState.registerMetrics(metrics.registry);
  registerLimitMetrics(metrics.registry, limits);
  await kit.ready();
  await kit.health.load();
  sink.onStored((event) => metrics.observe(event));
  kit.gateway.onAny((event) => void sink.append(event));
  kit.router.onAny((event) => void sink.append(event));

  const orchestrator = new VideoOrchestrator({
    runner: kit.router,
    registry,
    checkpoints: stores.checkpoints,
    dataDir: config.dataDir,
    outputDir: config.outputDir,
    visualsConcurrency: config.concurrency.visuals,
    preflight: options.preflight ?? true,
    clock,
  });
  const runner = new JobRunner({
    jobs: stores.jobs,
    orchestrator,
    sink,
    clock,
    ids,
    logger,
    concurrency: config.concurrency.jobs,
    leaseMs: options.leaseMs ?? (scaleOut ? 6_000 : 30_000),
    // With wake-ups (PostgreSQL NOTIFY) the claim poll is only the backstop.
    pollIntervalMs: options.pollIntervalMs ?? (stores.wake ? 5_000 : 1000),
    ...(stores.wake ? { wake: (listener: () => void) => stores.wake!.onJobs(listener) } : {}),
    ...jobDecisionHooks(kit.gateway, stores.events, sink, (jobId) => kit.failures.forget(jobId)),
  });
  const queue = scaleOut?.queue(runner, config.concurrency.jobs);
  // FFmpeg is detected once per process: here, before the worker takes jobs, rather than in the
  // first job's pre-flight, where the probes' synchronous spawns held back its first events.
  // Media processes start from a small helper process, forked now while this one is small.
  // (Not on Windows, where media processes run unsupervised, spawned directly.)
  const releaseSpawnHelper =
    worker && config.spawnHelper !== 'off' && WATCHDOG_SUPPORTED ? acquireSpawnHelper() : undefined;
  // So are the database connections and the liveness session the first job would open.
  try {
    await Promise.all([
      worker && (options.preflight ?? true) ? warmUpFfmpegInfo() : undefined,
      worker ? stores.warmUp?.() : undefined,
    ]);
    if (worker && queue) await queue.startWorker();
    else if (worker) runner.start();
  } catch (error) {
    releaseSpawnHelper?.();
    await writer?.close();
    throw error;
  }
  if (options.healthChecks ?? worker) kit.health.start();
  const { pruner, sweeper } = startReelayRetention(config, stores, {
    clock,
    logger,
    sweep: options.retentionSweep ?? worker,
  });

  let relay: DecisionAnswerRelay | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    relay?.dispose();
    kit.health.stop();
    await sweeper?.stop();
    await runner.stop();
    releaseSpawnHelper?.();
    await queue?.close();
    // Events posted so far are stored before the stores close (by the thread, or here for those
    // it handed back).
    await writer?.close();
    await settleWithin(sink.flushAll(), 5_000);
    await kit.close();
    await routerState.close();
    await stores.close();
  };
  const service = new LocalReelayService({
    config,
    stores,
    kit,
    registry,
    sink,
    runner,
    metrics,
    clock,
    ids,
    worker,
    sharedStore,
    // With Redis, live events arrive through the job streams; the durable log is only the backstop.
    // With Redis streams or PostgreSQL NOTIFY delivering live events, the log poll is the backstop.
    ...(options.sharedPollMs === undefined
      ? scaleOut
        ? { sharedPollMs: 2_000 }
        : stores.wake
          ? { sharedPollMs: 5_000 }
          : {}
      : { sharedPollMs: options.sharedPollMs }),
    ...(queue ? { queue } : {}),
    routerState,
    close,
  });
  if (sharedStore) {
    relay = new DecisionAnswerRelay({
      gateway: kit.gateway,
      follow: (jobId, listener, follow) => service.subscribe(jobId, listener, follow),
      logger,
    }).start();
  }
  return {
    config,
    service,
    kit,
    registry,
    stores,
    runner,
    pruner,
    sink,
    orchestrator,
    metrics,
    routerState,
    skippedProviders: skipped,
    ...(scaleOut ? { redis: scaleOut.redis } : {}),
    close,
  };
}

/** Waits for `work`, at most `ms` (shutdown must not hang on a store that stopped answering). */
async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
