import type { Clock, TimerHandle } from '../domain/clock.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import type { Logger } from '../domain/logger.js';
import { type HeartbeatStrategy, readingToHeartbeat } from './heartbeat-strategy.js';

/**
 * Polls a {@link HeartbeatStrategy} every `intervalMs` and feeds each reading as a heartbeat.
 * One poll at a time; a failed poll is logged and counts as nothing. Returns a stop function that
 * leaves no timer behind.
 */
export function startHeartbeatPoller(
  clock: Clock,
  strategy: HeartbeatStrategy,
  intervalMs: number,
  onBeat: (beat: Heartbeat) => void,
  logger: Logger,
): () => void {
  if (strategy.kind === 'none') return () => {};
  let stopped = false;
  let timer: TimerHandle | undefined;
  const schedule = (): void => {
    timer = clock.setTimeout(tick, intervalMs);
  };
  const tick = (): void => {
    timer = undefined;
    strategy.poll().then(
      (reading) => {
        if (stopped) return;
        const beat = readingToHeartbeat(strategy.kind, reading);
        if (beat) onBeat(beat);
        schedule();
      },
      (error: unknown) => {
        if (stopped) return;
        logger.warn({ tag: 'PROVIDER_HEARTBEAT_POLL_FAILED', err: error }, 'Heartbeat poll failed');
        schedule();
      },
    );
  };
  schedule();
  return () => {
    stopped = true;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}
