import type { ResolvedTimeoutProfile } from '../config/timeout-profile-schema.js';
import type { CallContext, CallFn, CallSettler } from '../domain/call-context.js';
import type { FallbackPolicy } from '../domain/fallback.js';
import type { ProviderType } from '../domain/provider-type.js';
import type { ExecuteRequest } from './gateway-types.js';
import { FIRST_FREE_BIT, MonitoredEntry } from './monitored-operation.js';
import type { PatientCallHost } from './patient-call-host.js';
import { type RareState, small } from './rare-state.js';
import { identityOf, NO_HEARTBEAT_EVENT, type RunningOperation } from './running-operation.js';
import type { StallHandler } from './stall-handlers.js';

const PHASE_SHIFT = Math.log2(FIRST_FREE_BIT);
const PHASE_MASK = 0b11 * FIRST_FREE_BIT;
const ABORTED = FIRST_FREE_BIT << 2;
/** Attempt, caller signal or fallback policy are not the pipeline context's: kept in the rare state. */
const OWN_FACTS = FIRST_FREE_BIT << 3;
/** The settler's start time is kept in the rare state (not a small offset from the run's start). */
const RARE_SETTLER_START = FIRST_FREE_BIT << 4;
/** The settler's start time as ms after the run's start, biased to be non-negative, in the top bits. */
const OFFSET_SHIFT = PHASE_SHIFT + 5;
const OFFSET_BIAS = 1 << 16;
const OFFSET_LIMIT = 1 << 17;

/**
 * What one running attempt of a patient call knows — the {@link RunningOperation} the gateway
 * tracks, which is also its own stall-detector entry ({@link MonitoredEntry}) — without the steps
 * of its life (`PatientRun`). Compact, because thousands wait at once: inside the call pipeline
 * the attempt, the caller's signal and the fallback policy are read from the pipeline context
 * (`outer`), and kept only when a call says otherwise (a call outside the pipeline); the phase,
 * the aborted flag and the settler's start share the monitored state's small integer; the
 * heartbeat poller and the operation's promise (for an interrupt grace) live in the rare state.
 */
export class PatientRunState extends MonitoredEntry implements Omit<RunningOperation, 'interrupt'> {
  readonly stallHandler: StallHandler | undefined;
  /** Ms after `startedAt` of the last emitted `heartbeat` event, or {@link NO_HEARTBEAT_EVENT}. */
  lastHeartbeatEventMs: number;
  protected readonly host: PatientCallHost;
  /** The pipeline context patience was given (its heartbeat is told of progress first). */
  protected readonly outer: CallContext | undefined;
  /** Told when the call ends, before the promise settles (the pipeline's fast path). */
  protected readonly settler: CallSettler | undefined;
  /** The call's work, kept only for the settler (its recovery after a failure). */
  protected readonly fn: CallFn<unknown> | undefined;
  private ac: AbortController | undefined;

  /** @param operationId the call's id, or the gateway's number for it (formatted when read). */
  constructor(
    host: PatientCallHost,
    req: ExecuteRequest<unknown>,
    providerType: ProviderType,
    profile: ResolvedTimeoutProfile,
    operationId: string | number,
    settler: CallSettler | undefined,
    settlerStartedAt: number,
    settlerFn: CallFn<unknown> | undefined,
  ) {
    const outer = req.context;
    super(
      {
        operationId: typeof operationId === 'string' ? operationId : '',
        jobId: req.jobId,
        providerName: req.providerName,
        providerType,
        stage: req.stage,
        correlationId: req.correlationId,
        profile,
        heartbeatKind: req.heartbeatStrategy?.kind ?? req.heartbeatKind ?? 'none',
      },
      host.clock.now(),
      typeof operationId === 'number' ? operationId : undefined,
      outer?.call ?? identityOf(req),
    );
    this.host = host;
    this.stallHandler = req.stallHandler;
    this.lastHeartbeatEventMs = NO_HEARTBEAT_EVENT;
    this.outer = outer;
    this.settler = outer === undefined ? undefined : settler;
    if (this.settler !== undefined) {
      // The settler's start, passed back to it, as a small offset in the bits (no field, no box).
      const offset = small(settlerStartedAt - this.startedAt);
      const biased = offset + OFFSET_BIAS;
      const exact = this.startedAt + offset === settlerStartedAt;
      if (exact && (biased | 0) === biased && biased >= 0 && biased < OFFSET_LIMIT)
        this.bits |= biased << OFFSET_SHIFT;
      else {
        this.bits |= RARE_SETTLER_START;
        this.more().settlerStartedAt = settlerStartedAt;
      }
    }
    this.fn = this.settler === undefined ? undefined : (settlerFn ?? (req.operation as CallFn<unknown>));
    this.ac = undefined;
    const attempt = req.attempt ?? 1;
    if (
      outer === undefined ||
      attempt !== outer.attempt ||
      req.signal !== outer.signal ||
      req.fallbackPolicy !== outer.profile?.fallbackPolicy
    ) {
      this.bits |= OWN_FACTS;
      const rare = this.more();
      rare.attempt = attempt;
      rare.signal = req.signal;
      rare.policy = req.fallbackPolicy;
    }
  }

  protected override formatKey(key: number): string {
    return this.host.operationIds.format(key);
  }

  /** The start time the settler was given, passed back to it. */
  protected get settlerStartedAt(): number {
    if ((this.bits & RARE_SETTLER_START) !== 0) return (this.rare as RareState).settlerStartedAt;
    return this.startedAt + ((this.bits >> OFFSET_SHIFT) - OFFSET_BIAS);
  }

  /** The fallback policy that chooses the stall handler. */
  get policy(): FallbackPolicy | undefined {
    return (this.bits & OWN_FACTS) === 0 ? this.outer?.profile?.fallbackPolicy : this.rare?.policy;
  }

  /** The attempt number, for events. */
  protected get attempt(): number {
    return (this.bits & OWN_FACTS) === 0 ? (this.outer as CallContext).attempt : (this.rare?.attempt ?? 1);
  }

  /** The caller's signal, if any: its abort cancels the call. */
  protected get callerSignal(): AbortSignal | undefined {
    return (this.bits & OWN_FACTS) === 0 ? this.outer?.signal : this.rare?.signal;
  }

  /**
   * The call's controller, created on first use (most calls never abort). Kept in a field of its
   * own, not in the rare state: every adapter reads its call's signal.
   */
  get controller(): AbortController {
    if (this.ac === undefined) this.ac = new AbortController();
    return this.ac;
  }

  /** The controller if one was created. */
  protected get createdController(): AbortController | undefined {
    return this.ac;
  }

  /** Set by `abortRun`: the call was aborted (without reading the controller's signal). */
  get aborted(): boolean {
    return (this.bits & ABORTED) !== 0;
  }

  set aborted(aborted: boolean) {
    this.bits = aborted ? this.bits | ABORTED : this.bits & ~ABORTED;
  }

  /** 0 running, 1 interrupted (settling with the abort reason), 2 settled. */
  protected get phase(): 0 | 1 | 2 {
    return ((this.bits & PHASE_MASK) >> PHASE_SHIFT) as 0 | 1 | 2;
  }

  protected set phase(phase: 0 | 1 | 2) {
    this.bits = (this.bits & ~PHASE_MASK) | (phase << PHASE_SHIFT);
  }
}
