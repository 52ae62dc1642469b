import type { Clock, TimerHandle } from '../domain/clock.js';
import { errorMessage } from '../domain/errors.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import type { JobPruner } from './job-pruner.js';

/** Options of {@link RetentionSweeper}. */
export interface RetentionSweeperOptions {
  pruner: Pick<JobPruner, 'prune'>;
  clock: Clock;
  /** Between two sweeps. @default 3_600_000 (1 h) */
  intervalMs?: number;
  /** Before the first sweep after start (lets the worker settle first). @default 60_000 */
  firstDelayMs?: number;
  logger?: Logger;
}

/**
 * Runs retention on the worker: a first sweep shortly after start, then one per interval. Its
 * timers come from the clock (the system clock's never keep the process alive); a failed sweep is
 * logged and the next one runs on time; sweeps never overlap.
 */
export class RetentionSweeper {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly intervalMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: RetentionSweeperOptions) {
    this.intervalMs = options.intervalMs ?? 3_600_000;
    this.logger = options.logger ?? silentLogger;
  }

  /** Schedules the sweeps (idempotent). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(this.options.firstDelayMs ?? 60_000);
  }

  /** Cancels the next sweep and waits for one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep now (also what the timer runs). */
  async sweepNow(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.options.pruner
      .prune()
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.warn({ err: { message: errorMessage(error) } }, 'retention sweep failed');
        },
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.sweepNow().then(() => this.schedule(this.intervalMs));
    }, ms);
  }
}
