import type { FetchLike } from './http-context.js';

/** Receives the status and headers of every response a provider's adapter gets. */
export type ResponseObserver = (headers: Headers, status: number) => void;

/**
 * Wraps a `fetch` so that `observe` sees every response's headers before the adapter does (the
 * rate limiter learns the provider's remaining requests and tokens from them). An observer that
 * throws never breaks the call.
 */
export function observingFetch(base: FetchLike | undefined, observe: ResponseObserver): FetchLike {
  return async (input, init) => {
    const response = await (base ?? globalThis.fetch)(input, init);
    try {
      observe(response.headers, response.status);
    } catch {
      // Observing is advisory: the call's own outcome matters more than what we learn from it.
    }
    return response;
  };
}
