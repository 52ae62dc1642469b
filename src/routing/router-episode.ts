import type { AttemptRecord } from '../domain/events.js';
import type { Provider } from '../domain/provider.js';
import type { StageCall } from './stage-call.js';

/** One stage call's journey across providers, from the first try to a result or a final error. */
export interface RouterEpisode<T, P extends Provider> {
  call: StageCall<T, P>;
  /** The provider being tried now (the job's lock names it). */
  provider: P;
  /** Providers tried so far in this call. */
  tried: Set<string>;
  /** Every failed attempt on every provider, oldest first (goes into the final error). */
  attempts: AttemptRecord[];
  switches: number;
  /** Clock time the episode moved to `provider` (a decision's elapsedBeforeSwitchMs). */
  since: number;
  degraded: boolean;
  /** Degradations not used yet, in order. */
  degradationsLeft: string[];
}
