import type { Provider, ProviderSpec } from '../domain/provider.js';
import type { ProviderKind } from '../domain/provider-type.js';

/**
 * Where the routing layer finds providers. Structural, so `providers/ProviderRegistry`
 * satisfies it without routing importing the providers layer (dependencies point down).
 */
export interface ProviderCatalog {
  /** Providers, optionally only those of one kind, in a stable order. */
  list(kind?: ProviderKind): readonly ProviderSpec[];
  /** The provider with this id, or `undefined`. */
  find(id: string): ProviderSpec | undefined;
}

/**
 * A {@link ProviderCatalog} that also hands out the providers themselves (the router calls them).
 * `providers/ProviderRegistry` satisfies it structurally.
 */
export interface ProviderDirectory extends ProviderCatalog {
  /**
   * The provider with this id (of `kind` when given).
   * @throws ReelayError when there is none.
   */
  get(id: string, kind?: ProviderKind): Provider;
}
