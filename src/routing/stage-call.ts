import type { HedgeSettingsInput } from '../config/hedging-schema.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { Provider, ProviderCallContext, Usage } from '../domain/provider.js';
import type { Stage } from '../domain/stages.js';

/** One provider call made by a stage, with everything the router needs to keep it dependable. */
export interface StageCall<T, P extends Provider = Provider> {
  jobId: string;
  correlationId: string;
  stage: Stage;
  kind: P['kind'];
  /** Provider the user chose (id); absent → the router picks the best healthy one. */
  preferred?: string;
  policy: FallbackPolicy;
  signal: AbortSignal;
  /** What this call is, for messages: e.g. `scene 3 of 8`. */
  label?: string;
  /**
   * Units of work the request is expected to consume (tokens, characters, seconds, images): priced
   * under each provider's cost model for budgets and selection. @default one unit of each
   */
  estimatedUsage?: Usage;
  /** Ordered ids of cheaper providers allowed when a strategy says `degrade`. */
  degradations?: readonly string[];
  /**
   * Hedging of this call (docs/hedging.md): the job's and the request's own settings over the
   * configured stage defaults, and facts that restrict it. @default none (config decides)
   */
  hedge?: StageCallHedge;
  /** The work, run against whichever provider the router settles on. */
  call: (provider: P, ctx: ProviderCallContext) => Promise<T>;
}

/** Per-job and per-request hedge settings of a {@link StageCall}. */
export interface StageCallHedge {
  /** The job's settings (job options). */
  job?: HedgeSettingsInput;
  /** This call's own settings. */
  request?: HedgeSettingsInput;
  /** The call starts a remote job with side effects (async render). */
  asyncJob?: boolean;
  /** The call continues output already delivered (narration after its first scene). */
  continuesOutput?: boolean;
}

/** What a stage call returns: the value and the provider that produced it. */
export interface StageCallResult<T, P extends Provider = Provider> {
  value: T;
  provider: P;
  /** True when the call ended on a provider other than the first one tried. */
  switched: boolean;
  /** True when a degradation (DEGRADED decision) produced the value. */
  degraded: boolean;
}

/**
 * The seam between the pipeline and the router: runs a stage's provider call through the
 * gateway (lock, patience, retries, breaker, fallback policy). Implemented by `FallbackRouter`.
 */
export interface ProviderRunner {
  run<T, P extends Provider = Provider>(call: StageCall<T, P>): Promise<StageCallResult<T, P>>;
}
