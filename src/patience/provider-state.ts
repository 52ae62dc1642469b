import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import type { Heartbeat, HeartbeatKind } from '../domain/heartbeat.js';
import type { LatencyCategory } from '../domain/latency.js';
import type { ProviderType } from '../domain/provider-type.js';

/** What the stall detector needs to watch one provider call. */
export interface MonitorInput {
  operationId: string;
  jobId: string;
  providerName: string;
  providerType: ProviderType;
  stage: string;
  correlationId: string;
  /** The provider's thresholds after the patience profile. */
  profile: ResolvedTimeoutProfile;
  /** How the provider reports progress; `none` is stalled only after `deepWaitMs`. @default 'none' */
  heartbeatKind?: HeartbeatKind;
}

/** A snapshot of one running provider call (plain data). */
export interface ProviderState {
  operationId: string;
  jobId: string;
  providerName: string;
  providerType: ProviderType;
  stage: string;
  correlationId: string;
  heartbeatKind: HeartbeatKind;
  category: LatencyCategory;
  /** Epoch ms the call started. */
  startedAt: number;
  elapsedMs: number;
  /** Heartbeats received (progress and liveness). */
  heartbeatCount: number;
  /** Epoch ms of the last heartbeat that showed progress. */
  lastProgressAt: number | undefined;
  /** Ms since the last progress (since the start when there was none). */
  timeSinceLastProgressMs: number;
  /** The latest heartbeat. */
  progress: Heartbeat | undefined;
  /** Stall episodes so far (each reported once). */
  stallEpisodes: number;
  /** Epoch ms until which stall reports are suppressed (0 when not suppressed). */
  suppressedUntil: number;
  profile: ResolvedTimeoutProfile;
}

/** What one evaluation changed. */
export interface Evaluation {
  from: LatencyCategory;
  to: LatencyCategory;
  /** A new stall episode began now. */
  stallStarted: boolean;
  /** The stall episode ended now; its length in ms. */
  stallEndedAfterMs: number | undefined;
}

export { MonitoredEntry, MonitoredOperation } from './monitored-operation.js';
