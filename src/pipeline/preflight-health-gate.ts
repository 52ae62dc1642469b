import { ReelayError } from '../domain/errors.js';
import type { Provider } from '../domain/provider.js';
import type { ProviderRunner, StageCall, StageCallResult } from './provider-runner.js';

/** A chosen provider found unhealthy at pre-flight. */
export interface UnhealthyAtPreflight {
  id: string;
  /** What its health check said. */
  message: string;
}

/**
 * Turns "the chosen provider is unhealthy at pre-flight" into the first failure of that
 * provider's stage call, so the job's fallback policy handles it like any other provider
 * failure: under `ask` a decision (retry the provider, try a ranked alternative, cancel), under
 * `auto` a recorded switch to the best healthy provider. The first call to such a provider fails
 * at once, without reaching it (not retryable, so no backoff is spent on it); afterwards the
 * provider is called as usual (the user chose to retry it, or it recovered).
 *
 * @example
 * const runner = new PreflightHealthGate(router, [{ id: 'ollama', message: 'connection refused' }]);
 */
export class PreflightHealthGate implements ProviderRunner {
  private readonly pending: Map<string, string>;

  constructor(
    private readonly inner: ProviderRunner,
    unhealthy: readonly UnhealthyAtPreflight[],
  ) {
    this.pending = new Map(unhealthy.map((p) => [p.id, p.message]));
  }

  /** Providers whose pre-flight failure has not been reported to the router yet. */
  get gated(): string[] {
    return [...this.pending.keys()];
  }

  run<T, P extends Provider = Provider>(call: StageCall<T, P>): Promise<StageCallResult<T, P>> {
    if (this.pending.size === 0) return this.inner.run(call);
    return this.inner.run({
      ...call,
      call: (provider, ctx) => {
        const message = this.pending.get(provider.id);
        if (message === undefined) return call.call(provider, ctx);
        this.pending.delete(provider.id);
        return Promise.reject(
          new ReelayError(
            'REELAY_ERR_PROVIDER',
            `${provider.id} was not healthy at pre-flight (${message}); start or fix it, or choose another provider`,
            { provider: provider.id, stage: call.stage, category: 'api_failure', retryable: false },
          ),
        );
      },
    });
  }
}
