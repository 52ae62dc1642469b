import type { ReelayError } from '../../../src/domain/errors.js';
import type { Heartbeat } from '../../../src/domain/heartbeat.js';

/** A call context that records heartbeats. */
export function callContext(signal: AbortSignal = new AbortController().signal) {
  const beats: Heartbeat[] = [];
  return { beats, call: { signal, heartbeat: (b: Heartbeat) => beats.push(b) } };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<ReelayError> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: ReelayError) => e,
  );
}

/** Waits (a few real ms at a time) until `ready` holds; for socket events only, never for timing. */
export async function until(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i += 1) await new Promise((r) => setTimeout(r, 2));
  if (!ready()) throw new Error('condition not reached');
}
