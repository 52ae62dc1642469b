import { randomUUID } from 'node:crypto';

/** Produces unique ids. Injected everywhere an id is made, so tests can be deterministic. */
export type IdGenerator = (prefix: string) => string;

/** Random ids: `<prefix>_<uuid>`. */
export const randomIds: IdGenerator = (prefix) => `${prefix}_${randomUUID()}`;

/**
 * Deterministic ids for tests: `<prefix>_1`, `<prefix>_2`, … (one counter per prefix).
 * @example const ids = sequentialIds(); ids('job') // 'job_1'
 */
export function sequentialIds(): IdGenerator {
  const counters = new Map<string, number>();
  return (prefix) => {
    const next = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, next);
    return `${prefix}_${next}`;
  };
}
