import { type Clock, systemClock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type { HealthReport } from '../../domain/provider.js';

/**
 * Runs a real, cheap call and turns its outcome into a {@link HealthReport}: `probe` resolves
 * with the success message (or `{ healthy: false, message }` when the answer itself says "not
 * ready", e.g. a missing model); a thrown error yields an unhealthy report with its message.
 * Never throws, except when `signal` is aborted (the caller gave up).
 *
 * @example
 * healthCheck(signal) {
 *   return probeHealth(this.clock, signal, async () => `${(await this.listModels(signal)).length} models available`);
 * }
 */
export async function probeHealth(
  clock: Clock = systemClock,
  signal: AbortSignal,
  probe: () => Promise<string | { healthy: boolean; message: string }>,
): Promise<HealthReport> {
  const started = clock.now();
  try {
    const outcome = await probe();
    const report = typeof outcome === 'string' ? { healthy: true, message: outcome } : outcome;
    return { ...report, latencyMs: clock.now() - started };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const message = ReelayError.isInstance(error) || error instanceof Error ? error.message : String(error);
    return { healthy: false, latencyMs: clock.now() - started, message };
  }
}
