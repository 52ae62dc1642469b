import type { Clock } from '../domain/clock.js';
import { STAGE_WEIGHTS, STAGES, type Stage } from '../domain/stages.js';

/** One progress reading of a job. */
export interface ProgressReading {
  /** Overall percent, 0–100, never decreasing. */
  percentage: number;
  stage: Stage;
  message: string;
  /** Estimated seconds left, when enough progress exists to estimate. */
  etaSeconds?: number;
}

/** Options of {@link ProgressTracker}. */
export interface ProgressTrackerOptions {
  clock: Clock;
  /** Receives readings; called at most once per `minIntervalMs` unless the stage changes. */
  onProgress: (reading: ProgressReading) => void;
  /** @default 250 */
  minIntervalMs?: number;
  /** Stage weights (sum 100). @default STAGE_WEIGHTS */
  weights?: Readonly<Record<Stage, number>>;
  /**
   * Expected seconds of each stage for this job (calibrated rate × video length). With it the ETA
   * is the current stage's measured remainder plus the later stages' expected durations; without
   * it, the elapsed time extrapolated over the overall percentage.
   */
  expectedSeconds?: Readonly<Record<Stage, number>>;
}

/** Below this stage fraction the stage's own rate is too noisy to extrapolate alone. */
const MIN_MEASURED_FRACTION = 0.1;

/**
 * Turns per-stage fractions into one monotonic overall percentage with an ETA, throttled so a
 * 1 000-token stream or FFmpeg's progress does not flood the event log.
 */
export class ProgressTracker {
  private readonly weights: Readonly<Record<Stage, number>>;
  private readonly startedAt: number;
  private best = 0;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private lastStage: Stage | undefined;
  private lastEmitted = -1;
  private current: { stage: Stage; startedAt: number; fraction: number } | undefined;

  constructor(private readonly options: ProgressTrackerOptions) {
    this.weights = options.weights ?? STAGE_WEIGHTS;
    this.startedAt = options.clock.now();
  }

  /** The overall percentage reached so far. */
  get percentage(): number {
    return this.best;
  }

  /** Marks the moment `stage` starts, so its own rate of progress is measured from there. */
  startStage(stage: Stage): void {
    this.current = { stage, startedAt: this.options.clock.now(), fraction: 0 };
  }

  /**
   * Reports that `stage` is `fraction` (0–1) done. Earlier stages count as complete.
   * Returns the reading (emitted or not).
   */
  update(stage: Stage, fraction: number, message: string, force = false): ProgressReading {
    const index = STAGES.indexOf(stage);
    let before = 0;
    for (let i = 0; i < index; i++) before += this.weights[STAGES[i] as Stage];
    const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const raw = before + this.weights[stage] * clamped;
    this.best = Math.max(this.best, Math.min(100, Math.round(raw * 10) / 10));
    const now = this.options.clock.now();
    if (this.current?.stage !== stage) this.current = { stage, startedAt: now, fraction: 0 };
    this.current.fraction = Math.max(this.current.fraction, clamped);
    const reading: ProgressReading = { percentage: this.best, stage, message };
    const eta = this.eta(now);
    if (eta !== undefined) reading.etaSeconds = eta;
    const stageChanged = stage !== this.lastStage;
    const due = now - this.lastEmitAt >= (this.options.minIntervalMs ?? 250);
    if ((force || stageChanged || due) && (this.best !== this.lastEmitted || stageChanged || force)) {
      this.lastEmitAt = now;
      this.lastStage = stage;
      this.lastEmitted = this.best;
      this.options.onProgress(reading);
    }
    return reading;
  }

  private eta(now: number): number | undefined {
    const expected = this.options.expectedSeconds;
    if (expected && this.current)
      return Math.max(0, Math.round(this.measuredEta(now, expected, this.current)));
    const elapsed = now - this.startedAt;
    if (this.best < 3 || elapsed < 1000) return undefined;
    return Math.max(0, Math.round(((elapsed / this.best) * (100 - this.best)) / 1000));
  }

  /** Seconds left: this stage at its own measured rate, then the later stages as calibrated. */
  private measuredEta(
    now: number,
    expected: Readonly<Record<Stage, number>>,
    current: { stage: Stage; startedAt: number; fraction: number },
  ): number {
    const f = current.fraction;
    const inStage = (now - current.startedAt) / 1000;
    const left = 1 - f;
    let stageLeft: number;
    if (f >= 1) stageLeft = 0;
    else if (f >= MIN_MEASURED_FRACTION) stageLeft = (inStage * left) / f;
    // Too little measured work: trust the calibration, unless the time spent already says slower.
    else stageLeft = Math.max(expected[current.stage] * left, (inStage * left) / MIN_MEASURED_FRACTION);
    let later = 0;
    for (const s of STAGES.slice(STAGES.indexOf(current.stage) + 1)) later += expected[s];
    return stageLeft + later;
  }
}
