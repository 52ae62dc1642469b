import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import type { CallIdentity } from '../domain/call-context.js';
import type { Heartbeat, HeartbeatKind } from '../domain/heartbeat.js';
import { LATENCY_CATEGORIES, type LatencyCategory } from '../domain/latency.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { Deadlined } from './deadline-queue.js';
import { HeartbeatTracker } from './heartbeat-tracker.js';
import { classifyLatency, nextLatencyBoundary } from './latency-classifier.js';
import type { Evaluation, MonitorInput, ProviderState } from './provider-state.js';
import { RareState, small } from './rare-state.js';

const KINDS: readonly HeartbeatKind[] = ['none', 'token_count', 'chunk_count', 'percentage'];
const CATEGORY_MASK = 0b111;
const KIND_SHIFT = 3;
const KIND_MASK = 0b111 << KIND_SHIFT;
/** The kind is not one of {@link KINDS}: kept as the rare state's text. */
const KIND_OTHER = 7;
const FAILED = 1 << 6;
/** `start` holds epoch ms itself (it was not a small integer after the origin). */
const ABSOLUTE_START = 1 << 7;
/** The first bit of {@link MonitoredOperation.bits} a subclass may use. */
export const FIRST_FREE_BIT = 1 << 8;

/**
 * Start times are kept as ms after this instant (the first start seen): a small integer, stored
 * unboxed, where epoch ms would be a heap number per call.
 */
let origin: number | undefined;

/**
 * The mutable state of one monitored call and its rules. Category at time `now`:
 * Error after a hard failure; StallSuspected from the stall deadline on; else the elapsed-time
 * category ({@link classifyLatency}). The stall deadline is `(last progress or start) +
 * stallThresholdMs`; for heartbeat kind `none` never before `start + deepWaitMs`; and never before
 * the end of a suppression window.
 *
 * It is its own heartbeat tracker and holds the facts of {@link MonitorInput} itself, so that a
 * running call can be its own monitored state (one object per call, thousands at once). Kept
 * compact: category, heartbeat kind and the failed flag share one small integer ({@link bits}),
 * the start time is a small integer after a process-wide origin, the provider type is read from
 * the profile, and what only a stall or a suppression needs lives in a {@link RareState}
 * allocated on first use.
 */
export class MonitoredOperation extends HeartbeatTracker {
  /**
   * What the detector keys the call by: its operation id, or the number the gateway gave it (the
   * id string is then built on first read of {@link operationId}).
   */
  readonly key: string | number;
  /** Who the call belongs to (one reference, shared with the call's context). */
  readonly call: CallIdentity;
  /** The provider's thresholds after the patience profile. */
  readonly profile: ResolvedTimeoutProfile;
  /** Category, heartbeat kind and flags, packed; bits from {@link FIRST_FREE_BIT} on are a subclass's. */
  protected bits: number;
  /** Ms after the origin the call started (epoch ms when not a small integer). */
  private readonly startMs: number;
  /** The id string of a numeric key, once built. */
  private idText: string | undefined;
  /** What only some calls need, allocated on first use. */
  protected rare: RareState | undefined;

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
    this.profile = input.profile;
    const kind = input.heartbeatKind ?? 'none';
    const kindIndex = KINDS.indexOf(kind);
    let bits = (kindIndex < 0 ? KIND_OTHER : kindIndex) << KIND_SHIFT;
    bits |= categoryIndex(classifyLatency(0, input.profile));
    origin ??= startedAt;
    const rel = small(startedAt - origin);
    if ((rel | 0) === rel && rel + origin === startedAt) this.startMs = rel;
    else {
      this.startMs = startedAt;
      bits |= ABSOLUTE_START;
    }
    this.bits = bits;
    this.idText = undefined;
    this.rare = undefined;
    if (kindIndex < 0) this.more().heartbeatKind = kind;
    if (input.providerType !== input.profile.providerType) this.more().providerType = input.providerType;
  }

  /** The rare state, allocated now when there is none. */
  protected more(): RareState {
    if (this.rare === undefined) this.rare = new RareState();
    return this.rare;
  }

  /** Epoch ms the call started. */
  get startedAt(): number {
    return (this.bits & ABSOLUTE_START) === 0 ? this.startMs + (origin as number) : this.startMs;
  }

  get providerType(): ProviderType {
    return this.rare?.providerType ?? this.profile.providerType;
  }

  get heartbeatKind(): HeartbeatKind {
    const index = (this.bits & KIND_MASK) >> KIND_SHIFT;
    return index === KIND_OTHER
      ? (this.rare?.heartbeatKind as HeartbeatKind)
      : (KINDS[index] as HeartbeatKind);
  }

  get category(): LatencyCategory {
    return LATENCY_CATEGORIES[this.bits & CATEGORY_MASK] as LatencyCategory;
  }

  set category(category: LatencyCategory) {
    this.bits = (this.bits & ~CATEGORY_MASK) | categoryIndex(category);
  }

  /** A hard failure was marked: the category is Error and no deadline is queued. */
  get failed(): boolean {
    return (this.bits & FAILED) !== 0;
  }

  set failed(failed: boolean) {
    this.bits = failed ? this.bits | FAILED : this.bits & ~FAILED;
  }

  /** Stall episodes so far (each reported once). */
  get stallEpisodes(): number {
    return this.rare?.stallEpisodes ?? 0;
  }

  set stallEpisodes(episodes: number) {
    this.more().stallEpisodes = episodes;
  }

  /** Epoch ms until which stall reports are suppressed (0 when not suppressed). */
  get suppressedUntil(): number {
    return this.rare?.suppressedUntil ?? 0;
  }

  set suppressedUntil(until: number) {
    this.more().suppressedUntil = until;
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
    return super.recordBeat(beat, small(now - this.startedAt));
  }

  /** Epoch ms of the last heartbeat that showed progress, if any. */
  override get lastProgressAt(): number | undefined {
    const sinceStart = super.lastProgressAt;
    return sinceStart === undefined ? undefined : this.startedAt + sinceStart;
  }

  /** True while a stall episode is open. */
  get inStall(): boolean {
    return this.rare !== undefined && this.rare.stallStartedAt !== undefined;
  }

  /** Epoch ms from which the call counts as stalled, given no further progress. */
  stallDeadline(): number {
    const { profile } = this;
    const startedAt = this.startedAt;
    let deadline = (this.lastProgressAt ?? startedAt) + profile.stallThresholdMs;
    if (this.heartbeatKind === 'none') deadline = Math.max(deadline, startedAt + profile.deepWaitMs);
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
    const stallStartedAt = this.rare?.stallStartedAt;
    if (to === 'StallSuspected' && stallStartedAt === undefined) {
      const rare = this.more();
      rare.stallStartedAt = now;
      rare.stallEpisodes++;
      stallStarted = true;
    } else if (to !== 'StallSuspected' && stallStartedAt !== undefined) {
      stallEndedAfterMs = now - stallStartedAt;
      this.more().stallStartedAt = undefined;
    }
    return { from, to, stallStarted, stallEndedAfterMs };
  }

  /** Epoch ms of the next moment the category can change without a heartbeat, if any. */
  nextDeadline(now: number): number | undefined {
    if (this.failed) return undefined;
    const startedAt = this.startedAt;
    const boundary = nextLatencyBoundary(now - startedAt, this.profile);
    let next = boundary === undefined ? undefined : startedAt + boundary;
    const stall = this.stallDeadline();
    if (stall > now && (next === undefined || stall < next)) next = stall;
    return next;
  }

  /** A plain snapshot at `now`. */
  snapshot(now: number): ProviderState {
    const startedAt = this.startedAt;
    const lastProgressAt = this.lastProgressAt;
    return {
      operationId: this.operationId,
      jobId: this.jobId,
      providerName: this.providerName,
      providerType: this.providerType,
      stage: this.stage,
      correlationId: this.correlationId,
      heartbeatKind: this.heartbeatKind,
      category: this.category,
      startedAt,
      elapsedMs: now - startedAt,
      heartbeatCount: this.heartbeatCount,
      lastProgressAt,
      timeSinceLastProgressMs: now - (lastProgressAt ?? startedAt),
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

function categoryIndex(category: LatencyCategory): number {
  switch (category) {
    case 'Normal':
      return 0;
    case 'Extended':
      return 1;
    case 'DeepWait':
      return 2;
    case 'StallSuspected':
      return 3;
    default:
      return 4;
  }
}
