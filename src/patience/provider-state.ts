import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import type { CallIdentity } from '../domain/call-context.js';
import type { Heartbeat, HeartbeatKind } from '../domain/heartbeat.js';
import type { LatencyCategory } from '../domain/latency.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { Deadlined } from './deadline-queue.js';
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
  /**
   * What the detector keys the call by: its operation id, or the number the gateway gave it (the
   * id string is then built on first read of {@link operationId}).
   */
  readonly key: string | number;
  /** Who the call belongs to (one reference, shared with the call's context). */
  readonly call: CallIdentity;
  readonly providerType: ProviderType;
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
  /** The id string of a numeric key, once built. */
  private idText: string | undefined;

  /**
   * @param key the detector's key when it is not `input.operationId` (a number the subclass formats).
   * @param call the call identity when the caller has it as one object already.
   */
  constructor(input: MonitorInput, startedAt: number, key?: number, call?: CallIdentity) {
    super();
    this.key = key ?? input.operationId;
    this.call = call ?? {
      jobId: input.jobId,
      stage: input.stage,
      provider: input.providerName,
      correlationId: input.correlationId,
    };
    this.providerType = input.providerType;
    this.profile = input.profile;
    this.heartbeatKind = input.heartbeatKind ?? 'none';
    this.startedAt = startedAt;
    this.category = classifyLatency(0, input.profile);
    this.stallEpisodes = 0;
    this.suppressedUntil = 0;
    this.failed = false;
    this.stallStartedAt = undefined;
    this.idText = undefined;
  }

  /** The operation id (built from a numeric key on first read). */
  get operationId(): string {
    const { key } = this;
    if (typeof key === 'string') return key;
    if (this.idText === undefined) this.idText = this.formatKey(key);
    return this.idText;
  }

  get jobId(): string {
    return this.call.jobId;
  }

  /** The provider id (`call.provider`). */
  get providerName(): string {
    return this.call.provider;
  }

  get stage(): string {
    return this.call.stage;
  }

  get correlationId(): string {
    return this.call.correlationId;
  }

  /** The id string of a numeric key; a subclass that keys by number says how. */
  protected formatKey(key: number): string {
    return String(key);
  }

  /**
   * Records a heartbeat at `now` (epoch ms). The last progress is kept as ms after the start — a
   * small integer, unboxed — and read back as epoch ms ({@link lastProgressAt}).
   */
  override recordBeat(beat: Heartbeat, now: number): boolean {
    return super.recordBeat(beat, now - this.startedAt);
  }

  /** Epoch ms of the last heartbeat that showed progress, if any. */
  override get lastProgressAt(): number | undefined {
    const sinceStart = super.lastProgressAt;
    return sinceStart === undefined ? undefined : this.startedAt + sinceStart;
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

/**
 * A monitored call and its place in the deadline queue, as one object (thousands may run). A
 * running call can extend it and be watched as it is ({@link StallDetector.watch}).
 */
export class MonitoredEntry extends MonitoredOperation implements Deadlined {
  deadline = 0;
  queueSeq = 0;
  queueIndex = -1;
}
