import { type Clock, systemClock } from '../domain/clock.js';

/** Options of {@link ClientBreaker}. */
export interface ClientBreakerOptions {
  /** Consecutive failures that open the breaker. @default 5 */
  failureThreshold?: number;
  /** Consecutive successes in half-open that close it. @default 2 */
  successThreshold?: number;
  /** How long it stays open before letting a trial request through. @default 60000 */
  openMs?: number;
  /** @default systemClock */
  clock?: Clock;
}

/** State of a {@link ClientBreaker}. */
export type ClientBreakerState = 'closed' | 'open' | 'half-open';

/**
 * The SDK's own circuit breaker: after `failureThreshold` consecutive failures (network errors,
 * timeouts, 5xx) it refuses calls for `openMs`, then lets calls through half-open; it closes
 * after `successThreshold` consecutive successes and re-opens on any failure meanwhile.
 *
 * Why a second breaker (the server's is `resilience/circuit-breaker.ts`): this one ships in the
 * `reelay/client` bundle, which runs in browsers and must not pull in the server's error
 * classifier, category table, windowed counting or state store; it guards one Reelay API
 * endpoint seen from outside, not a provider, so consecutive failures are the right signal.
 * See docs/circuit-breaker.md.
 */
export class ClientBreaker {
  private mode: ClientBreakerState = 'closed';
  private failures = 0;
  private successes = 0;
  private openedAt = 0;
  private readonly failureThreshold: number;
  private readonly successThreshold: number;
  private readonly openMs: number;
  private readonly clock: Clock;

  constructor(options: ClientBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.successThreshold = options.successThreshold ?? 2;
    this.openMs = options.openMs ?? 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Current state (an open breaker whose time is up reads as half-open). */
  get state(): ClientBreakerState {
    if (this.mode === 'open' && this.clock.now() - this.openedAt >= this.openMs) {
      this.mode = 'half-open';
      this.successes = 0;
    }
    return this.mode;
  }

  /** Milliseconds until an open breaker lets a call through (0 when it does now). */
  retryInMs(): number {
    return this.state === 'open' ? this.openedAt + this.openMs - this.clock.now() : 0;
  }

  /** Records a call that reached a working server. */
  onSuccess(): void {
    if (this.state === 'half-open') {
      this.successes += 1;
      if (this.successes >= this.successThreshold) this.reset();
      return;
    }
    this.failures = 0;
  }

  /** Records a failed call. */
  onFailure(): void {
    if (this.state === 'half-open') {
      this.trip();
      return;
    }
    this.failures += 1;
    if (this.failures >= this.failureThreshold) this.trip();
  }

  private trip(): void {
    this.mode = 'open';
    this.openedAt = this.clock.now();
    this.successes = 0;
  }

  private reset(): void {
    this.mode = 'closed';
    this.failures = 0;
    this.successes = 0;
  }
}
