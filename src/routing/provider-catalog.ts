import type { ProviderSpec } from '../domain/provider.js';
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
