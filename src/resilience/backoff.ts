/** How delays grow between attempts. */
export type BackoffKind = 'exponential' | 'linear' | 'fibonacci' | 'fixed';

/** Input of {@link computeBackoff}. */
export interface BackoffInput {
  kind: BackoffKind;
  /** Base delay in ms. */
  baseMs: number;
  /** Upper bound on the delay, applied after jitter. */
  maxMs: number;
  /** Retry number, counting from 1 (the first retry waits `baseMs` for every kind). */
  attempt: number;
  /** Fraction of the delay added at most, drawn from `random`. @default 0.1 */
  jitter?: number;
  /** Source of randomness in [0, 1). @default Math.random */
  random?: () => number;
}

/** fib(1) = 1, fib(2) = 1, fib(3) = 2, … */
function fibonacci(n: number): number {
  let previous = 0;
  let current = 1;
  for (let i = 1; i < n; i++) [previous, current] = [current, previous + current];
  return current;
}

/**
 * The delay before retry number `attempt`: exponential base·2^(n−1), linear base·n, fibonacci
 * base·fib(n), fixed base; plus up to `jitter` × delay; capped at `maxMs`; rounded to whole ms.
 *
 * @example computeBackoff({ kind: 'exponential', baseMs: 1000, maxMs: 30000, attempt: 3, jitter: 0 }) // 4000
 */
export function computeBackoff(input: BackoffInput): number {
  const { kind, baseMs, maxMs } = input;
  const n = Math.max(1, Math.floor(input.attempt));
  const jitter = input.jitter ?? 0.1;
  const random = input.random ?? Math.random;
  const factor =
    kind === 'exponential' ? 2 ** (n - 1) : kind === 'linear' ? n : kind === 'fibonacci' ? fibonacci(n) : 1;
  const raw = baseMs * factor;
  if (!Number.isFinite(raw)) return Math.max(0, maxMs);
  const jittered = raw + raw * jitter * random();
  return Math.max(0, Math.round(Math.min(maxMs, jittered)));
}
