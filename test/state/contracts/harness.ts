import type { Clock } from '../../../src/domain/clock.js';
import type { ReelayStores } from '../../../src/state/stores.js';

/** A fresh, empty set of stores and how to dispose of them (close, delete files). */
export interface StoresHandle {
  stores: ReelayStores;
  cleanup(): Promise<void>;
}

/** Opens a fresh backend whose job store reads time from `clock`. */
export type OpenStores = (clock: Clock) => StoresHandle | Promise<StoresHandle>;

/** A clock the test moves by hand; timers are not used by the stores. */
export interface ManualClock extends Clock {
  set(ms: number): void;
}

/** 2025-01-01T00:00:00.000Z, the start of every contract test. */
export const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** A {@link ManualClock} at {@link T0}. */
export function manualClock(start = T0): ManualClock {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    setTimeout: () => {
      throw new Error('stores must not start timers');
    },
    clearTimeout: () => {},
  };
}

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
