import type { CallContext, CallFn, CallPolicy } from '../domain/call-context.js';
import type { CallSlots } from './shared-bulkhead.js';

/**
 * Bulkheads as a call policy: each attempt holds one of its provider's call slots while it runs.
 * A queued attempt pushes its position as a heartbeat ("waiting for a free ollama slot: 2nd in
 * queue"), marked `waiting` so patience counts it as progress. A full queue or a queue timeout
 * rejects with a `provider_overload` error that the job's fallback policy handles.
 */
export class BulkheadPolicy implements CallPolicy {
  /** @param bulkheadOf the bulkhead of a provider, undefined when it has none. */
  constructor(private readonly bulkheadOf: (provider: string) => CallSlots | undefined) {}

  async execute<T>(fn: CallFn<T>, ctx: CallContext): Promise<T> {
    const provider = ctx.call.provider;
    const bulkhead = this.bulkheadOf(provider);
    if (!bulkhead) return fn(ctx);
    const release = await bulkhead.acquire(ctx.signal, (position, queued) =>
      ctx.heartbeat({
        message: `waiting for a free ${provider} slot: ${ordinal(position)} of ${queued} in queue`,
        waiting: 'bulkhead',
      }),
    );
    try {
      return await fn(ctx);
    } finally {
      release();
    }
  }
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}
