import type { ReelayConfig } from '../config/app-config.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../domain/logger.js';
import type { Provider } from '../domain/provider.js';
import {
  createNetworkedProviders,
  type SkippedProvider,
} from '../providers/networked/create-networked-providers.js';
import { createOfflineProviders, type OfflineProvidersOptions } from '../providers/offline/index.js';
import { ProviderRegistry } from '../providers/provider-registry.js';
import { FfmpegComposer, type FfmpegComposerOptions } from '../providers/video/ffmpeg-composer.js';

/** What {@link createReelayProviders} needs from `createReelay`'s options. */
export interface ReelayProvidersOptions {
  /** Providers registered after the built-in ones (a provider with a built-in id replaces it). */
  providers?: Provider[] | undefined;
  /** Create the networked providers the configuration enables. @default true */
  networked?: boolean | undefined;
  /** FFmpeg composer options. */
  composer?: FfmpegComposerOptions | undefined;
  /** Offline provider options. */
  offline?: Omit<OfflineProvidersOptions, 'clock'> | undefined;
}

/** Reelay's providers, registered, and the timeout profiles they run under. */
export interface ReelayProviders {
  registry: ProviderRegistry;
  profiles: ProviderTimeoutProfileLoader;
  /** Networked providers not created, and why (missing key, disabled). */
  skipped: SkippedProvider[];
  /** Key id (a hash, never the key) per networked provider created with an API key. */
  keyIds: Record<string, string>;
}

/**
 * Loads the timeout profiles and registers the providers: the offline ones, the FFmpeg composer,
 * the networked ones the configuration enables, then the caller's own (a later provider with the
 * same id replaces an earlier one).
 * @param observeResponse told of each networked response's headers (the rate limiter learns
 * from them); called only once calls run, so it may refer to a limiter built after this.
 */
export function createReelayProviders(
  config: ReelayConfig,
  options: ReelayProvidersOptions,
  deps: {
    clock: Clock;
    logger: Logger;
    observeResponse: (id: string, headers: Headers, status: number) => void;
  },
): ReelayProviders {
  const { clock, logger } = deps;
  const profiles = new ProviderTimeoutProfileLoader({
    ...(config.timeoutProfilesPath ? { path: config.timeoutProfilesPath } : {}),
    logger,
  });
  profiles.load();

  const offline = createOfflineProviders({ ...options.offline, clock });
  const composer = new FfmpegComposer({
    concurrency: config.concurrency.segments,
    clock,
    logger,
    ...options.composer,
  });
  const networked =
    options.networked === false
      ? { providers: [], skipped: [], keyIds: {} }
      : createNetworkedProviders(config, { clock, logger, observeResponse: deps.observeResponse });
  const byId = new Map<string, Provider>();
  for (const p of [...offline.all, composer, ...networked.providers, ...(options.providers ?? [])])
    byId.set(p.id, p);
  return {
    registry: new ProviderRegistry(byId.values()),
    profiles,
    skipped: networked.skipped,
    keyIds: networked.keyIds,
  };
}
