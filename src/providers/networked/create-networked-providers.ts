import type { ReelayConfig } from '../../config/app-config.js';
import { ReelayError } from '../../domain/errors.js';
import type { Provider } from '../../domain/provider.js';
import { keyIdOf } from '../../resilience/rate-limiter.js';
import { observingFetch } from '../http/observing-fetch.js';
import { IMAGE_VIDEO_FACTORIES } from './image-video-factories.js';
import { LLM_TTS_FACTORIES } from './llm-tts-factories.js';
import type { NetworkedDeps, NetworkedFactory } from './networked-factory.js';

/** Every networked factory by provider id: LLM/TTS here, image/video in `image-video-factories.ts`. */
export const NETWORKED_FACTORIES: Readonly<Record<string, NetworkedFactory>> = {
  ...LLM_TTS_FACTORIES,
  ...IMAGE_VIDEO_FACTORIES,
};

/** A provider that was not created, and why (shown by `reelay doctor`). */
export interface SkippedProvider {
  id: string;
  skipped: string;
}

/** Result of {@link createNetworkedProviders}. */
export interface NetworkedProviders {
  providers: Provider[];
  skipped: SkippedProvider[];
  /** Id of the API key each created provider uses (`keyIdOf`; never the key), by provider id. */
  keyIds: Record<string, string>;
}

/**
 * Creates the networked providers the configuration enables: every id of
 * {@link NETWORKED_FACTORIES} that is not disabled, whose key (settings `apiKeyEnv`, else the
 * factory's default variable) is in `config.secrets`. Opt-in providers (Ollama) need an entry in
 * `config.providers`. A provider left out is listed in `skipped` with the reason; ids in
 * `config.providers` that no networked factory knows (offline providers share the map) are listed
 * as skipped too, so `reelay doctor` can show a typo.
 *
 * @example
 * const { providers, skipped } = createNetworkedProviders(loadConfig());
 * for (const p of providers) registry.register(p);
 */
export function createNetworkedProviders(
  config: Pick<ReelayConfig, 'providers' | 'secrets'>,
  deps: NetworkedDeps = {},
  factories: Readonly<Record<string, NetworkedFactory>> = NETWORKED_FACTORIES,
): NetworkedProviders {
  const providers: Provider[] = [];
  const skipped: SkippedProvider[] = [];
  const keyIds: Record<string, string> = {};
  for (const [id, factory] of Object.entries(factories)) {
    const settings = config.providers[id];
    if (settings && !settings.enabled) {
      skipped.push({ id, skipped: 'disabled in the configuration' });
      continue;
    }
    if (factory.optIn && !settings) {
      skipped.push({ id, skipped: `not configured (add "providers": { "${id}": {} } to enable it)` });
      continue;
    }
    const keyEnvVar = settings?.apiKeyEnv ?? factory.keyEnvVar;
    const apiKey = keyEnvVar === undefined ? undefined : config.secrets[keyEnvVar];
    const keyRequired = factory.keyRequired ?? factory.keyEnvVar !== undefined;
    if (keyRequired && apiKey === undefined) {
      skipped.push({ id, skipped: `no API key: set ${keyEnvVar} to enable it` });
      continue;
    }
    const observe = deps.observeResponse;
    const own: NetworkedDeps = observe
      ? { ...deps, fetch: observingFetch(deps.fetch, (headers, status) => observe(id, headers, status)) }
      : deps;
    const created = factory.create({ enabled: true, ...settings, apiKeyEnv: keyEnvVar }, apiKey, own);
    if (apiKey !== undefined) keyIds[id] = keyIdOf(apiKey);
    if (created.id !== id) {
      throw new ReelayError(
        'REELAY_ERR_CONFIG',
        `Networked factory "${id}" built a provider with id "${created.id}".`,
      );
    }
    providers.push(created);
  }
  const unknown = Object.keys(config.providers).filter((id) => !(id in factories));
  for (const id of unknown) {
    skipped.push({
      id,
      skipped: `not a networked provider (networked ids: ${Object.keys(factories).join(', ')})`,
    });
  }
  return { providers, skipped, keyIds };
}
