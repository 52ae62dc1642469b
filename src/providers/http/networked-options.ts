import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../domain/logger.js';
import type { CostModel } from '../../domain/provider.js';
import type { FetchLike } from './http-context.js';

/**
 * Options every networked adapter takes. Each adapter documents its own defaults for `id`,
 * `priority`, `costModel` and `keyEnvVar` in its options' TSDoc.
 */
export interface NetworkedProviderOptions {
  /** Provider id in configuration, events and the audit trail. */
  id?: string;
  /** 1 (preferred) … 5 (last resort). */
  priority?: number;
  /** What a call costs (configurable per provider). */
  costModel?: CostModel;
  /** Environment variable named in authentication errors. */
  keyEnvVar?: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
}
