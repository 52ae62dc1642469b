import type { Disposable } from '../domain/disposable.js';

/**
 * Calls `handler` on SIGINT (Ctrl-C) and SIGTERM, with the count so far (a second Ctrl-C can
 * force the exit). Dispose to restore the default behaviour.
 */
export function onInterrupt(handler: (signal: NodeJS.Signals, count: number) => void): Disposable {
  let count = 0;
  const listener = (signal: NodeJS.Signals): void => {
    count += 1;
    handler(signal, count);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return {
    dispose: () => {
      process.off('SIGINT', listener);
      process.off('SIGTERM', listener);
    },
  };
}

/** Resolves with the first SIGINT or SIGTERM (for long-running commands: serve, worker). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const sub = onInterrupt((signal) => {
      sub.dispose();
      resolve(signal);
    });
  });
}
