import type { CostModel, HealthReport, ProviderCapabilities, ProviderSpec } from '../domain/provider.js';
import type { ProviderKind } from '../domain/provider-type.js';
import type { ProviderCatalog } from './provider-catalog.js';

/** Options of {@link fakeProvider} (test helper). */
export interface FakeProviderOptions {
  kind?: ProviderKind;
  priority?: number;
  costModel?: CostModel;
  capabilities?: Partial<ProviderCapabilities>;
  healthCheck?: (signal: AbortSignal) => Promise<HealthReport>;
}

/** A provider spec for tests: healthy, free, priority 1, kind `tts` unless told otherwise. */
export function fakeProvider(id: string, options: FakeProviderOptions = {}): ProviderSpec {
  return {
    id,
    displayName: id.toUpperCase(),
    kind: options.kind ?? 'tts',
    profileType: 'tts',
    capabilities: { heartbeat: 'none', ...options.capabilities },
    priority: options.priority ?? 1,
    costModel: options.costModel ?? { unit: 'free', usdPerUnit: 0 },
    healthCheck: options.healthCheck ?? (async () => ({ healthy: true, latencyMs: 5, message: 'ok' })),
  };
}

/** A {@link ProviderCatalog} over a fixed list (test helper). */
export function catalogOf(providers: ProviderSpec[]): ProviderCatalog {
  return {
    list: (kind) => (kind === undefined ? providers : providers.filter((p) => p.kind === kind)),
    find: (id) => providers.find((p) => p.id === id),
  };
}
