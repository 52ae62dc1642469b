import { z } from 'zod';

/**
 * A schema for a shape owned by a lower layer: the runtime schema documents the fields clients
 * rely on (and lets others through), the static type stays the layer's own interface.
 */
export function documented<T>(schema: z.ZodType): z.ZodType<T> {
  return schema as z.ZodType<T>;
}

/** An ISO-8601 time string. */
export const isoTime = z.string().describe('ISO-8601 time');
/** An ISO-8601 time, or null when it has not happened. */
export const nullableIso = isoTime.nullable();
