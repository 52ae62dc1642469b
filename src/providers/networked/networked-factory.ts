import type { ProviderSettings } from '../../config/provider-settings-schema.js';
import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../domain/logger.js';
import type { Provider } from '../../domain/provider.js';
import type { FetchLike } from '../http/http-context.js';

/** Shared dependencies handed to every networked factory. */
export interface NetworkedDeps {
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** @default systemClock */
  clock?: Clock;
  /** @default silentLogger */
  logger?: Logger;
  /**
   * Sees every response of every created provider (the rate limiter learns from the headers).
   * @default none
   */
  observeResponse?: (provider: string, headers: Headers, status: number) => void;
}

/**
 * Builds one networked provider from its settings. `apiKey` is the resolved secret (undefined
 * when the provider needs none). Factories never read the environment themselves.
 */
export interface NetworkedFactory {
  /** Environment variable holding the key by default; absent when no key is needed. */
  keyEnvVar?: string;
  /** Whether the provider cannot work without its key. @default true when keyEnvVar is set */
  keyRequired?: boolean;
  /** Disabled unless the configuration mentions the id (e.g. a local server that may not exist). @default false */
  optIn?: boolean;
  create(settings: ProviderSettings, apiKey: string | undefined, deps: NetworkedDeps): Provider;
}
