import { z } from 'zod';
import { ReelayError } from '../domain/errors.js';
import type { BreakerState } from './circuit-breaker-state.js';

const time = z.number().finite().nonnegative();
const count = z.number().int().nonnegative();

/** Schema of {@link BreakerState}, for state read back from Redis, SQL or a snapshot file. */
export const breakerStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('closed'), failures: z.array(time) }),
  z.object({ state: z.literal('open'), openedAt: time, reason: z.string(), manual: z.boolean() }),
  z.object({ state: z.literal('half_open'), since: time, inFlight: count, successes: count }),
  z.object({ state: z.literal('isolated'), since: time, reason: z.string() }),
]);

/**
 * Validates stored breaker state.
 * @throws ReelayError `REELAY_ERR_VALIDATION` naming the provider when the data is not a breaker state.
 */
export function parseBreakerState(provider: string, value: unknown): BreakerState {
  const result = breakerStateSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ReelayError(
    'REELAY_ERR_VALIDATION',
    `Stored circuit-breaker state for ${provider} is invalid${where}: ${issue?.message ?? 'unknown shape'}. Discard it or reset the breaker.`,
    { provider, details: { provider } },
  );
}
