import type { z } from 'zod';
import { ReelayError } from '../domain/errors.js';

/**
 * Parses `value` with a zod schema; on failure throws a 400 `REELAY_ERR_VALIDATION` whose
 * `details.fields` lists every invalid field (shown as the problem's `errors`).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new ReelayError('REELAY_ERR_VALIDATION', `Invalid ${what} — ${summary}`, { details: { fields } });
}
