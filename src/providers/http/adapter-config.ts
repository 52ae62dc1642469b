import { type Clock, systemClock } from '../../domain/clock.js';
import { type Logger, silentLogger } from '../../domain/logger.js';
import {
  type CostModel,
  PROVIDER_SPECIFICATION_VERSION,
  type ProviderSpecificationVersion,
} from '../../domain/provider.js';
import type { HttpContext } from './http-context.js';
import type { NetworkedProviderOptions } from './networked-options.js';

/** What a networked adapter is given: the shared options plus its name, endpoint and key. */
export interface AdapterConfigInput extends NetworkedProviderOptions {
  displayName?: string;
  baseUrl?: string;
  /** Secret: only ever sent in headers, removed from every message and log line. */
  apiKey?: string;
}

/** An adapter's own defaults for the shared fields. */
export interface AdapterDefaults {
  id: string;
  displayName: string;
  priority: number;
  costModel: CostModel;
  /** Absent for a server without keys (a local Ollama or Stable Diffusion). */
  keyEnvVar?: string;
  baseUrl: string;
  /** Secrets besides `apiKey` to keep out of messages and logs (e.g. basic-auth credentials). */
  secrets?: readonly string[];
}

/** The configuration every networked adapter is built on, resolved once by {@link createAdapterConfig}. */
export interface AdapterConfig {
  readonly specificationVersion: ProviderSpecificationVersion;
  readonly id: string;
  readonly displayName: string;
  readonly priority: number;
  readonly costModel: CostModel;
  /** Without trailing slashes. */
  readonly baseUrl: string;
  readonly keyEnvVar: string | undefined;
  readonly clock: Clock;
  /** The logger, bound to the provider id. */
  readonly logger: Logger;
  /** The request context of the adapter's HTTP calls (secrets listed for redaction). */
  readonly http: HttpContext;
}

/**
 * Resolves the fields every networked adapter shares — id, display name, priority, cost model,
 * key variable, fetch, clock, logger, base URL — from the user's options over the adapter's
 * defaults, so no adapter re-declares them.
 *
 * @example
 * const config = createAdapterConfig(options, { id: 'openai', displayName: 'OpenAI', priority: 2,
 *   costModel: GPT_4O_MINI_COST, keyEnvVar: 'OPENAI_API_KEY', baseUrl: 'https://api.openai.com/v1' });
 */
export function createAdapterConfig(input: AdapterConfigInput, defaults: AdapterDefaults): AdapterConfig {
  const id = input.id ?? defaults.id;
  const displayName = input.displayName ?? defaults.displayName;
  const clock = input.clock ?? systemClock;
  const keyEnvVar = input.keyEnvVar ?? defaults.keyEnvVar;
  const logger = (input.logger ?? silentLogger).child({ provider: id });
  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id,
    displayName,
    priority: input.priority ?? defaults.priority,
    costModel: input.costModel ?? defaults.costModel,
    baseUrl: (input.baseUrl ?? defaults.baseUrl).replace(/\/+$/, ''),
    keyEnvVar,
    clock,
    logger,
    http: {
      provider: displayName,
      fetch: input.fetch,
      clock,
      ...(keyEnvVar === undefined ? {} : { keyEnvVar }),
      secrets: [...(input.apiKey ? [input.apiKey] : []), ...(defaults.secrets ?? [])],
      logger,
    },
  };
}
