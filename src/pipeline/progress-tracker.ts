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
}

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

  constructor(private readonly options: ProgressTrackerOptions) {
    this.weights = options.weights ?? STAGE_WEIGHTS;
    this.startedAt = options.clock.now();
  }

  /** The overall percentage reached so far. */
  get percentage(): number {
    return this.best;
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
    const elapsed = now - this.startedAt;
    if (this.best < 3 || elapsed < 1000) return undefined;
    return Math.max(0, Math.round(((elapsed / this.best) * (100 - this.best)) / 1000));
  }
}
