import type { Clock } from '../domain/clock.js';
import type { ReelayEvent } from '../domain/events.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { Stage } from '../domain/stages.js';
import type { JobLogLevel } from '../state/job-log-store.js';

export type { JobLogLevel };

import type { CheckpointKeeper } from './checkpoint-keeper.js';
import type { JobWorkspace } from './job-workspace.js';
import type { ProgressTracker } from './progress-tracker.js';
import type { ProviderRunner } from './provider-runner.js';
import type { VideoRequest } from './video-request.js';

/** Distributes `Omit` over the members of a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as a stage emits it: the job id, time and correlation id are filled in for it. */
export type StageEvent = DistributiveOmit<ReelayEvent, 'jobId' | 'timestamp' | 'correlationId'>;

/** Everything a stage needs for one job run. */
export interface PipelineContext {
  jobId: string;
  correlationId: string;
  request: VideoRequest;
  policy: FallbackPolicy;
  signal: AbortSignal;
  runner: ProviderRunner;
  workspace: JobWorkspace;
  checkpoints: CheckpointKeeper;
  progress: ProgressTracker;
  clock: Clock;
  /** Scenes handled at once in the visuals stage. */
  visualsConcurrency: number;
  emit(event: StageEvent): void;
  log(level: JobLogLevel, message: string, fields?: Record<string, unknown>): void;
  /** Records which provider served a stage (for the job summary). */
  served(stage: Stage, provider: string): void;
}
