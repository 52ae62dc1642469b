import type { StoredEvent } from '../domain/events.js';
import type { LatencyCategory } from '../domain/latency.js';
import { STAGE_WEIGHTS, STAGES, type Stage } from '../domain/stages.js';
import type { CliOutput } from './cli-io.js';
import { categoryLabel, formatEta, formatMs, humanizeDurations } from './format-duration.js';
import { latencyLabel } from './latency-labels.js';

const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 24;

/** Options of {@link ProgressRenderer}. */
export interface ProgressRendererOptions {
  /** Redraw one status line in place (a terminal). @default out.isTTY === true */
  tty?: boolean;
  /** Terminal width; the status line is cut to fit. @default out.columns || 100 */
  columns?: number;
}

/** The part of overall progress (0–100) that belongs to `stage`, as that stage's own 0–100. */
export function stagePercent(stage: string, overall: number): number {
  const index = STAGES.indexOf(stage as Stage);
  if (index === -1) return overall;
  const start = STAGES.slice(0, index).reduce((sum, s) => sum + STAGE_WEIGHTS[s], 0);
  const weight = STAGE_WEIGHTS[stage as Stage];
  return Math.min(100, Math.max(0, ((overall - start) / weight) * 100));
}

/** `[##########..............]` for a percentage. */
export function bar(percent: number, width = BAR_WIDTH): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * Prints a job's events for people: on a terminal, one status line redrawn in place — the stage,
 * its own progress bar and percent, overall percent, ETA, and the current provider with its
 * latency state (`Active • Generating`, `Extended Wait • Still Working`, …) — above permanent
 * lines for stage completions, latency changes, stalls, retries, switches and the end. Off a
 * terminal, only permanent lines (progress every 10 % overall).
 *
 * @example
 * const renderer = new ProgressRenderer(process.stdout);
 * await followJob(service, jobId, (e) => renderer.onEvent(e));
 * renderer.close();
 */
export class ProgressRenderer {
  private readonly tty: boolean;
  private readonly columns: number;
  private stage: string | null = null;
  private overall = 0;
  private eta: number | undefined;
  private message = '';
  private provider: string | null = null;
  private latency: LatencyCategory = 'Normal';
  private paused = false;
  private drawn = false;
  private lastBucket = -1;
  private readonly stageStartedAt = new Map<string, string>();

  constructor(
    private readonly out: CliOutput,
    options: ProgressRendererOptions = {},
  ) {
    this.tty = options.tty ?? out.isTTY === true;
    this.columns = options.columns ?? (out.columns || 100);
  }

  /** When the current stage started (ISO time), for elapsed times in decisions. */
  stageStart(stage: string): string | undefined {
    return this.stageStartedAt.get(stage);
  }

  /** Handles one event (heartbeats and internal events only refresh the status line). */
  onEvent(event: StoredEvent): void {
    switch (event.type) {
      case 'job-queued':
        this.line(`Job ${event.jobId} queued`);
        break;
      case 'stage-started':
        this.stage = event.stage;
        this.stageStartedAt.set(event.stage, event.timestamp);
        this.message = '';
        this.provider = event.provider ?? null;
        this.latency = 'Normal';
        break;
      case 'progress':
        this.stage = event.stage;
        this.overall = Math.max(this.overall, event.percentage);
        this.eta = event.etaSeconds;
        this.message = event.message;
        if (!this.tty) {
          const bucket = Math.floor(this.overall / 10);
          if (bucket > this.lastBucket) {
            this.lastBucket = bucket;
            this.line(this.statusText());
          }
        }
        break;
      case 'request-start':
        if (event.provider !== this.provider || event.attempt === 1) this.latency = 'Normal';
        this.provider = event.provider;
        break;
      case 'latency-category-changed':
        this.provider = event.provider;
        this.latency = event.to;
        this.line(
          `${event.to === 'Normal' ? '•' : '⏳'} ${event.provider} on ${event.stage}: ${latencyLabel(event.to)} (${formatMs(event.elapsedMs)} elapsed)`,
        );
        break;
      case 'stall-suspected':
        this.latency = 'StallSuspected';
        this.line(
          `⚠ ${event.provider} made no progress for ${formatMs(event.sinceProgressMs)} on ${event.stage} — ${latencyLabel('StallSuspected')}`,
        );
        break;
      case 'stall-cleared':
        this.latency = 'Normal';
        this.line(`• ${event.provider} is progressing again after ${formatMs(event.stalledForMs)}`);
        break;
      case 'hard-error':
        this.latency = 'Error';
        this.line(
          `✗ ${event.provider} failed on ${event.stage} (attempt ${event.attempt}, ${categoryLabel(event.category)}): ${humanizeDurations(event.message)}`,
        );
        break;
      case 'retry-scheduled':
        this.line(
          // `attempt` is already the number of the attempt that follows.
          `↻ retrying ${event.provider} in ${formatMs(event.delayMs)} (attempt ${event.attempt})`,
        );
        break;
      case 'stage-complete':
        this.line(
          `✓ ${event.stage} (${formatMs(event.durationMs)}${this.provider ? `, ${this.provider}` : ''})`,
        );
        break;
      case 'fallback-decision':
        this.line(
          `↪ ${event.decision.reason}: ${event.decision.fromProvider} → ${event.decision.toProvider} (${event.decision.context})`,
        );
        break;
      case 'decision-answered':
        this.line(`✓ decision answered: ${event.option}${event.provider ? ` → ${event.provider}` : ''}`);
        break;
      case 'done':
        this.overall = 100;
        this.line(`✓ video ready (${event.durationSeconds.toFixed(1)} s long)`);
        break;
      case 'error':
      case 'canceled':
        // The end of the job (with its error) is printed once, by the command's summary.
        break;
      default:
        break;
    }
    this.redraw();
  }

  /** Clears the status line and stops redrawing (while a prompt is shown). */
  pause(): void {
    this.clear();
    this.paused = true;
  }

  /** Redraws again after {@link pause}. */
  resume(): void {
    this.paused = false;
    this.redraw();
  }

  /** Clears the status line for good. */
  close(): void {
    this.clear();
    this.paused = true;
  }

  /** The status line's text (without terminal control codes). */
  statusText(): string {
    if (this.stage === null) return 'waiting for a worker…';
    const own = stagePercent(this.stage, this.overall);
    const parts = [
      `${this.stage.padEnd(9)} ${bar(own)} ${own.toFixed(0).padStart(3)}%`,
      `overall ${this.overall.toFixed(0)}%`,
    ];
    if (this.eta !== undefined) parts.push(`ETA ${formatEta(this.eta)}`);
    if (this.provider) parts.push(`${this.provider}: ${latencyLabel(this.latency)}`);
    if (this.message && !this.tty) parts.push(this.message);
    return parts.join(' · ');
  }

  private line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  private clear(): void {
    if (this.tty && this.drawn) this.out.write(CLEAR_LINE);
    this.drawn = false;
  }

  private redraw(): void {
    if (!this.tty || this.paused) return;
    const text = this.statusText().slice(0, Math.max(20, this.columns - 1));
    this.out.write(`${CLEAR_LINE}${text}`);
    this.drawn = true;
  }
}
