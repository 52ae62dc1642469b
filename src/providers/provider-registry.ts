import { ReelayError } from '../domain/errors.js';
import { PROVIDER_SPECIFICATION_VERSION, type Provider } from '../domain/provider.js';
import type { ProviderKind } from '../domain/provider-type.js';

/**
 * Holds the configured {@link Provider} objects by id. Ids are unique across kinds; display names
 * are looked up case-insensitively. The routing layer reads it through its structural
 * `ProviderCatalog` interface (`list`, `find`).
 *
 * @example
 * const registry = new ProviderRegistry();
 * registry.register(openai);
 * registry.get('openai').chat(request, ctx);
 * registry.list('tts'); // every text-to-speech provider, in registration order
 */
export class ProviderRegistry {
  private readonly byId = new Map<string, Provider>();

  /** Creates a registry, optionally pre-filled (same rules as {@link ProviderRegistry.register}). */
  constructor(providers: Iterable<Provider> = []) {
    for (const provider of providers) this.register(provider);
  }

  /**
   * Adds a provider.
   * @throws ReelayError `REELAY_ERR_CONFIG` when a provider with the same id is already registered,
   * or when it implements another provider specification version than this Reelay's.
   */
  register(provider: Provider): void {
    const version = provider.specificationVersion ?? PROVIDER_SPECIFICATION_VERSION;
    if (version !== PROVIDER_SPECIFICATION_VERSION) {
      throw new ReelayError(
        'REELAY_ERR_CONFIG',
        `Provider "${provider.id}" implements provider specification ${String(version)}, but this Reelay ` +
          `implements ${PROVIDER_SPECIFICATION_VERSION}. Use a provider package built for ${PROVIDER_SPECIFICATION_VERSION}.`,
        { provider: provider.id, details: { specificationVersion: version } },
      );
    }
    const existing = this.byId.get(provider.id);
    if (existing) {
      throw new ReelayError(
        'REELAY_ERR_CONFIG',
        `Provider id "${provider.id}" is registered twice (${existing.displayName} and ${provider.displayName}). ` +
          'Give each provider a unique id in the configuration.',
        { provider: provider.id, details: { id: provider.id } },
      );
    }
    this.byId.set(provider.id, provider);
  }

  /**
   * The provider with this id.
   * @throws ReelayError `REELAY_ERR_PROVIDER_UNKNOWN` naming the known ids (of `kind`, when given).
   */
  get(id: string, kind?: ProviderKind): Provider {
    const provider = this.byId.get(id);
    if (provider && (kind === undefined || provider.kind === kind)) return provider;
    const wantedKind = kind ?? provider?.kind;
    const known = this.list(wantedKind).map((p) => p.id);
    const what = wantedKind === undefined ? 'provider' : `${wantedKind} provider`;
    throw new ReelayError(
      'REELAY_ERR_PROVIDER_UNKNOWN',
      `Unknown ${what} "${id}". Known ${what}s: ${known.length > 0 ? known.join(', ') : '(none registered)'}. ` +
        'Check the provider id in your request or configuration.',
      { provider: id, details: { id, kind: wantedKind, known } },
    );
  }

  /** The provider with this id, or `undefined`. */
  find(id: string): Provider | undefined {
    return this.byId.get(id);
  }

  /** Whether a provider with this id is registered. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Registered providers in registration order, optionally only those of one kind. */
  list(kind?: ProviderKind): Provider[] {
    const all = [...this.byId.values()];
    return kind === undefined ? all : all.filter((p) => p.kind === kind);
  }

  /** The first provider whose display name (or id) matches, ignoring case; `undefined` when none. */
  byDisplayName(name: string): Provider | undefined {
    const wanted = name.trim().toLowerCase();
    for (const provider of this.byId.values()) {
      if (provider.displayName.toLowerCase() === wanted) return provider;
    }
    for (const provider of this.byId.values()) {
      if (provider.id.toLowerCase() === wanted) return provider;
    }
    return undefined;
  }

  /** Number of registered providers. */
  get size(): number {
    return this.byId.size;
  }
}
