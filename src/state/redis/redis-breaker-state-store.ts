import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BreakerInput, BreakerState, BreakerThresholds } from '../../domain/breaker-state.js';
import type { Clock } from '../../domain/clock.js';
import type {
  BreakerChange,
  SharedBreakerStore,
  VersionedBreakerState,
  VersionedBreakerStep,
} from '../router-state.js';
import { BREAKER_TRANSITION_SCRIPT } from './breaker-transition-script.js';
import { subscribeWithin } from './redis-connection.js';
import { RedisKeys } from './redis-keys.js';

export type { BreakerChange, VersionedBreakerState, VersionedBreakerStep } from '../router-state.js';

/** Options of {@link RedisBreakerStateStore}. */
export interface RedisBreakerStateStoreOptions {
  redis: Redis;
  clock: Clock;
  keys?: RedisKeys;
  /** Id announced with this instance's transitions. @default a random UUID */
  instanceId?: string;
}

const CLOSED: BreakerState = { state: 'closed', failures: [] };

/**
 * Circuit-breaker state shared by every instance through Redis, with strong consistency: every
 * transition is one server-side compare-and-set ({@link BREAKER_TRANSITION_SCRIPT}), and every
 * change is announced so that other instances see an opened breaker within milliseconds.
 */
export class RedisBreakerStateStore implements SharedBreakerStore {
  readonly instanceId: string;
  private readonly redis: Redis;
  private readonly clock: Clock;
  private readonly keys: RedisKeys;
  private readonly known = new Map<string, VersionedBreakerState>();

  constructor(options: RedisBreakerStateStoreOptions) {
    this.redis = options.redis;
    this.clock = options.clock;
    this.keys = options.keys ?? new RedisKeys();
    this.instanceId = options.instanceId ?? randomUUID();
  }

  /** The breaker's current state, read from Redis (closed at version 0 when never touched). */
  async get(provider: string): Promise<VersionedBreakerState> {
    const [state, version] = await this.redis.hmget(this.keys.breaker(provider), 's', 'ver');
    const current = {
      state: state ? (JSON.parse(state) as BreakerState) : CLOSED,
      version: version ? Number(version) : 0,
    };
    this.remember(provider, current);
    return current;
  }

  /**
   * The last state this instance saw for `provider` (from its own transitions, reads and the
   * change messages of others), without a round-trip; undefined when never seen.
   */
  peek(provider: string): VersionedBreakerState | undefined {
    return this.known.get(provider);
  }

  /**
   * Applies `input` atomically on Redis at time `now` (this instance's clock by default; a breaker
   * re-applying a step it took locally passes the time it took it, so probe rounds match) and
   * returns the step.
   */
  async transition(
    provider: string,
    input: BreakerInput,
    thresholds: BreakerThresholds,
    now: number = this.clock.now(),
  ): Promise<VersionedBreakerStep> {
    const reply = (await BREAKER_TRANSITION_SCRIPT.run(
      this.redis,
      [this.keys.breaker(provider)],
      [
        JSON.stringify(input),
        Math.floor(now),
        thresholds.failureThreshold,
        thresholds.recoveryTimeoutMs,
        thresholds.halfOpenMaxCalls,
        thresholds.monitoringWindowMs,
        thresholds.successThreshold,
        this.keys.breakerChanges(),
        provider,
        this.instanceId,
      ],
    )) as [string, string, string, string, string, number];
    const [stateJson, admitted, probeOf, retryIn, reason, version] = reply;
    const step: VersionedBreakerStep = {
      state: JSON.parse(stateJson) as BreakerState,
      version: Number(version),
    };
    if (admitted !== '') step.admitted = admitted === '1';
    if (probeOf !== '') step.probeOf = Number(probeOf);
    if (retryIn !== '') step.retryInMs = Number(retryIn);
    if (reason !== '') step.reason = reason.slice(1);
    this.remember(provider, { state: step.state, version: step.version });
    return step;
  }

  /**
   * Calls `listener` for every breaker change announced by any instance (this one included);
   * returns the unsubscribe.
   */
  async subscribe(listener: (change: BreakerChange) => void): Promise<() => Promise<void>> {
    const subscriber = this.redis.duplicate({ enableOfflineQueue: true });
    const channel = this.keys.breakerChanges();
    subscriber.on('error', () => {});
    subscriber.on('message', (from: string, message: string) => {
      if (from !== channel) return;
      const change = parseBreakerChange(message);
      if (change === null) return;
      this.remember(change.provider, change);
      listener(change);
    });
    await subscribeWithin(subscriber, channel);
    return async () => {
      subscriber.disconnect();
    };
  }

  private remember(provider: string, next: VersionedBreakerState): void {
    const known = this.known.get(provider);
    if (known === undefined || known.version <= next.version) {
      this.known.set(provider, { state: next.state, version: next.version });
    }
  }
}

function parseBreakerChange(message: string): BreakerChange | null {
  try {
    const raw = JSON.parse(message) as { p?: unknown; ver?: unknown; s?: unknown; o?: unknown };
    if (typeof raw.p !== 'string' || typeof raw.ver !== 'number' || typeof raw.s !== 'string') return null;
    return {
      provider: raw.p,
      version: raw.ver,
      state: JSON.parse(raw.s) as BreakerState,
      origin: typeof raw.o === 'string' ? raw.o : '',
    };
  } catch {
    return null;
  }
}
