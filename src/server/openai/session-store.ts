import type { Clock } from '../../domain/clock.js';

/** Where a sticky session is pinned. */
export interface SessionPin {
  /** The deployment that served the session last. */
  deployment: string;
  /** The model group the session used. */
  group: string;
}

/**
 * Sticky sessions: which deployment each `x-reelay-session` keeps, with a TTL renewed on every
 * request. Memory by default; {@link RedisSessionStore} shares pins across instances.
 */
export interface SessionStore {
  get(sessionId: string): Promise<SessionPin | undefined>;
  /** Pins (or re-pins) a session for `ttlMs` from now. */
  set(sessionId: string, pin: SessionPin, ttlMs: number): Promise<void>;
}

/** A bounded in-process {@link SessionStore}; expired pins are dropped when read. */
export class MemorySessionStore implements SessionStore {
  private readonly pins = new Map<string, SessionPin & { expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxSessions = 100_000,
  ) {}

  async get(sessionId: string): Promise<SessionPin | undefined> {
    const pin = this.pins.get(sessionId);
    if (!pin) return undefined;
    if (pin.expiresAt <= this.clock.now()) {
      this.pins.delete(sessionId);
      return undefined;
    }
    return { deployment: pin.deployment, group: pin.group };
  }

  async set(sessionId: string, pin: SessionPin, ttlMs: number): Promise<void> {
    this.pins.delete(sessionId);
    if (this.pins.size >= this.maxSessions) {
      const oldest = this.pins.keys().next().value;
      if (oldest !== undefined) this.pins.delete(oldest);
    }
    this.pins.set(sessionId, { ...pin, expiresAt: this.clock.now() + ttlMs });
  }
}

/** The subset of an ioredis client {@link RedisSessionStore} uses. */
export interface RedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'PX', ms: number): Promise<unknown>;
}

/** A {@link SessionStore} in Redis (`SET … PX ttl`), shared by every instance on the same Redis. */
export class RedisSessionStore implements SessionStore {
  constructor(
    private readonly redis: RedisLike,
    private readonly prefix = 'reelay:session:',
  ) {}

  async get(sessionId: string): Promise<SessionPin | undefined> {
    const raw = await this.redis.get(this.prefix + sessionId);
    if (raw === null) return undefined;
    try {
      const value = JSON.parse(raw) as Partial<SessionPin>;
      return typeof value.deployment === 'string' && typeof value.group === 'string'
        ? { deployment: value.deployment, group: value.group }
        : undefined;
    } catch {
      return undefined;
    }
  }

  async set(sessionId: string, pin: SessionPin, ttlMs: number): Promise<void> {
    await this.redis.set(this.prefix + sessionId, JSON.stringify(pin), 'PX', Math.max(1, Math.round(ttlMs)));
  }
}
