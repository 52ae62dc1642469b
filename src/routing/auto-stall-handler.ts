import type { StallHandler } from '../patience/stall-handlers.js';
import type { ProviderDirectory } from './provider-catalog.js';
import type { ProviderSelectionEngine } from './selection-engine.js';

/** Options of {@link createAutoStallHandler}. */
export interface AutoStallHandlerOptions {
  registry: ProviderDirectory;
  selection: ProviderSelectionEngine;
  /** Providers never chosen automatically on a stall (degradations such as captions-only). */
  neverAutoSelect?: readonly string[];
}

/**
 * Policy `auto` on a stall: switches to the best healthy alternative of the same kind (selection
 * engine), recorded as an `AUTO_AFTER_STALL` decision with the score as context. With no
 * alternative it keeps waiting: patience beats failing.
 */
export function createAutoStallHandler(options: AutoStallHandlerOptions): StallHandler {
  const never = new Set(options.neverAutoSelect ?? []);
  return {
    async onStall(ctx) {
      const spec = options.registry.find(ctx.provider);
      if (!spec) return;
      const { candidates } = options.selection.selectProviders({
        kind: spec.kind,
        stage: ctx.stage,
        jobId: ctx.jobId,
        exclude: [ctx.provider, ...never],
      });
      const best = candidates[0];
      if (!best) {
        ctx.logger.warn(
          { tag: 'AUTO_STALL_NO_ALTERNATIVE', jobId: ctx.jobId, provider: ctx.provider, stage: ctx.stage },
          `${ctx.provider} stalled on ${ctx.stage} and no alternative is available; waiting`,
        );
        return;
      }
      const to = options.registry.find(best.provider);
      try {
        await ctx.apply(
          { option: 'try_alternative', provider: best.provider },
          {
            context: `no progress for ${Math.round(ctx.sinceProgressMs / 1000)} s; ${best.provider} scored ${Math.round(best.score)}/100`,
            ...(to ? { toProviderType: to.profileType } : {}),
          },
        );
      } catch (err) {
        ctx.logger.warn(
          { tag: 'AUTO_STALL_SWITCH_FAILED', jobId: ctx.jobId, err },
          'Automatic switch after a stall failed',
        );
      }
    },
  };
}
