import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import type { Heartbeat, HeartbeatKind } from '../domain/heartbeat.js';
import type { LatencyCategory } from '../domain/latency.js';
import type { ProviderType } from '../domain/provider-type.js';
import { HeartbeatTracker } from './heartbeat-tracker.js';
import { classifyLatency, nextLatencyBoundary } from './latency-classifier.js';

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

/**
 * The mutable state of one monitored call and its rules. Category at time `now`:
 * Error after a hard failure; StallSuspected from the stall deadline on; else the elapsed-time
 * category ({@link classifyLatency}). The stall deadline is `(last progress or start) +
 * stallThresholdMs`; for heartbeat kind `none` never before `start + deepWaitMs`; and never before
 * the end of a suppression window.
 *
 * It is its own heartbeat tracker and holds the facts of {@link MonitorInput} itself, so that a
 * running call can be its own monitored state (one object per call, thousands at once).
 */
export class MonitoredOperation extends HeartbeatTracker {
  readonly operationId: string;
  readonly jobId: string;
  readonly providerName: string;
  readonly providerType: ProviderType;
  readonly stage: string;
  readonly correlationId: string;
  /** The provider's thresholds after the patience profile. */
  readonly profile: ResolvedTimeoutProfile;
  readonly heartbeatKind: HeartbeatKind;
  /** Epoch ms the call started. */
  readonly startedAt: number;
  category: LatencyCategory;
  stallEpisodes: number;
  suppressedUntil: number;
  failed: boolean;
  private stallStartedAt: number | undefined;

  constructor(input: MonitorInput, startedAt: number) {
    super();
    this.operationId = input.operationId;
    this.jobId = input.jobId;
    this.providerName = input.providerName;
    this.providerType = input.providerType;
    this.stage = input.stage;
    this.correlationId = input.correlationId;
    this.profile = input.profile;
    this.heartbeatKind = input.heartbeatKind ?? 'none';
    this.startedAt = startedAt;
    this.category = classifyLatency(0, input.profile);
    this.stallEpisodes = 0;
    this.suppressedUntil = 0;
    this.failed = false;
    this.stallStartedAt = undefined;
  }

  /** True while a stall episode is open. */
  get inStall(): boolean {
    return this.stallStartedAt !== undefined;
  }

  /** Epoch ms from which the call counts as stalled, given no further progress. */
  stallDeadline(): number {
    const { profile } = this;
    let deadline = (this.lastProgressAt ?? this.startedAt) + profile.stallThresholdMs;
    if (this.heartbeatKind === 'none') deadline = Math.max(deadline, this.startedAt + profile.deepWaitMs);
    return Math.max(deadline, this.suppressedUntil);
  }

  /** The category at `now`. */
  categoryAt(now: number): LatencyCategory {
    if (this.failed) return 'Error';
    if (now >= this.stallDeadline()) return 'StallSuspected';
    return classifyLatency(now - this.startedAt, this.profile);
  }

  /** Recomputes the category at `now` and opens or closes stall episodes. */
  evaluate(now: number): Evaluation {
    const from = this.category;
    const to = this.categoryAt(now);
    this.category = to;
    let stallStarted = false;
    let stallEndedAfterMs: number | undefined;
    if (to === 'StallSuspected' && this.stallStartedAt === undefined) {
      this.stallStartedAt = now;
      this.stallEpisodes++;
      stallStarted = true;
    } else if (to !== 'StallSuspected' && this.stallStartedAt !== undefined) {
      stallEndedAfterMs = now - this.stallStartedAt;
      this.stallStartedAt = undefined;
    }
    return { from, to, stallStarted, stallEndedAfterMs };
  }

  /** Epoch ms of the next moment the category can change without a heartbeat, if any. */
  nextDeadline(now: number): number | undefined {
    if (this.failed) return undefined;
    const boundary = nextLatencyBoundary(now - this.startedAt, this.profile);
    let next = boundary === undefined ? undefined : this.startedAt + boundary;
    const stall = this.stallDeadline();
    if (stall > now && (next === undefined || stall < next)) next = stall;
    return next;
  }

  /** A plain snapshot at `now`. */
  snapshot(now: number): ProviderState {
    return {
      operationId: this.operationId,
      jobId: this.jobId,
      providerName: this.providerName,
      providerType: this.providerType,
      stage: this.stage,
      correlationId: this.correlationId,
      heartbeatKind: this.heartbeatKind,
      category: this.category,
      startedAt: this.startedAt,
      elapsedMs: now - this.startedAt,
      heartbeatCount: this.heartbeatCount,
      lastProgressAt: this.lastProgressAt,
      timeSinceLastProgressMs: now - (this.lastProgressAt ?? this.startedAt),
      progress: this.latest,
      stallEpisodes: this.stallEpisodes,
      suppressedUntil: this.suppressedUntil,
      profile: this.profile,
    };
  }
}
