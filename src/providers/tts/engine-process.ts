import type { Clock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type { HealthReport } from '../../domain/provider.js';
import { type ProcessOutcome, runProcess } from '../media/run-process.js';
import { SPAWN_HELPER_LOST } from '../media/spawn-helper.js';

/** Who runs an offline speech engine, for its error messages. */
export interface EngineIdentity {
  /** Display name in messages, e.g. `espeak-ng`. */
  name: string;
  /** The provider id errors carry, e.g. `espeak`. */
  providerId: string;
  /** The install command, e.g. `apt-get install espeak-ng`. */
  install: string;
}

/** Options of {@link runEngine}. */
export interface RunEngineOptions {
  signal?: AbortSignal | undefined;
  clock: Clock;
  /** Exit codes that mean success. @default [0] */
  okCodes?: readonly number[];
}

/**
 * Runs one speech-engine process and collects its output. A missing executable is a
 * `system_error` naming the install command; a failing exit a `processing_error` with the tail of
 * its error output; an abort rethrows the signal's reason (the child is killed by `runProcess`).
 */
export async function runEngine(
  binary: string,
  args: readonly string[],
  who: EngineIdentity,
  options: RunEngineOptions,
): Promise<ProcessOutcome> {
  const { signal } = options;
  let out: ProcessOutcome;
  try {
    out = await runProcess(binary, [...args], { signal, collectStdout: true, clock: options.clock });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (isMissingBinary(error)) {
      throw new ReelayError(
        'REELAY_ERR_PROVIDER',
        `${who.name} is not installed (no "${binary}" on PATH): ${who.install}.`,
        {
          cause: error,
          provider: who.providerId,
          stage: 'narration',
          category: 'system_error',
          retryable: false,
        },
      );
    }
    if ((error as NodeJS.ErrnoException).code === SPAWN_HELPER_LOST) {
      throw new ReelayError(
        'REELAY_ERR_PROVIDER',
        `${who.name} was ended with the spawn helper that started it (${(error as Error).message}); a retry starts a new helper.`,
        {
          cause: error,
          provider: who.providerId,
          stage: 'narration',
          category: 'system_error',
          retryable: true,
        },
      );
    }
    throw error;
  }
  const okCodes = options.okCodes ?? [0];
  if (out.exitCode === null || !okCodes.includes(out.exitCode)) {
    const tail = out.stderrTail.slice(-4).join(' | ') || 'no error output';
    throw new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${who.name} exited with code ${out.exitCode}: ${tail}. Check the voice and the text, or use another narration provider.`,
      {
        provider: who.providerId,
        stage: 'narration',
        category: 'processing_error',
        retryable: false,
        details: { exitCode: out.exitCode, stderrTail: out.stderrTail.slice(-4) },
      },
    );
  }
  return out;
}

/** True when spawning failed because the executable does not exist. */
export function isMissingBinary(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Options of {@link probeEngineHealth}. */
export interface ProbeHealthOptions {
  clock: Clock;
  timeoutMs: number;
  /** Engine name for the timeout message. */
  name: string;
  /** Health message when the probe finds the executable missing. */
  missingMessage: string;
}

/**
 * The shared health-check frame of the offline engines: runs `probe` under the caller's signal and
 * a timeout; the probe's string is a healthy message, `{ unhealthy }` an unhealthy one; a timeout,
 * a missing executable or an error become an unhealthy report (the caller's abort rethrows).
 */
export async function probeEngineHealth(
  signal: AbortSignal,
  options: ProbeHealthOptions,
  probe: (signal: AbortSignal) => Promise<string | { unhealthy: string }>,
): Promise<HealthReport> {
  const { clock, timeoutMs } = options;
  const started = clock.now();
  const timeout = new AbortController();
  const timer = clock.setTimeout(() => timeout.abort(new Error('timeout')), timeoutMs);
  const report = (healthy: boolean, message: string): HealthReport => ({
    healthy,
    latencyMs: clock.now() - started,
    message,
  });
  try {
    const outcome = await probe(AbortSignal.any([signal, timeout.signal]));
    return typeof outcome === 'string' ? report(true, outcome) : report(false, outcome.unhealthy);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (timeout.signal.aborted) return report(false, `${options.name} did not answer within ${timeoutMs} ms`);
    if (isMissingBinary(error) || isMissingBinary((error as { cause?: unknown } | undefined)?.cause)) {
      return report(false, options.missingMessage);
    }
    return report(false, error instanceof Error ? error.message : String(error));
  } finally {
    clock.clearTimeout(timer);
  }
}

/** The first `x.y` or `x.y.z` version number in a tool's output. */
export function versionIn(output: string): string {
  return /(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1] ?? 'unknown version';
}
