/** A handle returned by {@link Clock.setTimeout}; pass it back to {@link Clock.clearTimeout}. */
export type TimerHandle = { readonly __timer: unique symbol } | ReturnType<typeof globalThis.setTimeout>;

/**
 * The source of time for every component that reads or waits on time. Production code uses
 * {@link systemClock}; tests use vitest's fake timers (the system clock reads the global timer
 * functions at call time, so fake timers apply) or a hand-rolled clock.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds. Timers never keep the process alive on their own. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer created by {@link Clock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock, read through the global timer functions at call time (fake-timer friendly). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = globalThis.setTimeout(fn, ms);
    if (typeof handle === 'object' && handle !== null && 'unref' in handle) handle.unref();
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/**
 * Resolves after `ms` on the given clock, or rejects with the signal's reason when aborted first.
 * The wait keeps the process alive (a pending call must not let Node exit under it).
 * @example await sleep(systemClock, 1000, signal);
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    // Someone awaits this sleep (a backoff inside a pending call): unlike other clock timers it
    // keeps the process alive, or a script awaiting the call would exit mid-wait.
    keepAlive(handle);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Makes a Node.js timer keep the process alive again (clock timers are unref'd by default). */
function keepAlive(handle: TimerHandle): void {
  if (typeof handle === 'object' && handle !== null && 'ref' in handle && typeof handle.ref === 'function')
    handle.ref();
}

/** Formats a clock reading as an ISO-8601 timestamp (used on every event and record). */
export function isoAt(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
