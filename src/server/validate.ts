import type { z } from 'zod';
import { ReelayError } from '../domain/errors.js';
import { unstorableFields } from '../domain/storable-text.js';

/**
 * Parses `value` with a zod schema; on failure throws a 400 `REELAY_ERR_VALIDATION` whose
 * `details.fields` lists every invalid field (shown as the problem's `errors`). Text holding a NUL or a
 * lone surrogate is invalid in every field (no store could keep it).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  const unstorable = unstorableFields(value);
  if (result.success && unstorable.length === 0) return result.data;
  const fields = [
    ...unstorable,
    ...(result.success ? [] : result.error.issues).map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
      message: issue.message,
    })),
  ];
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new ReelayError('REELAY_ERR_VALIDATION', `Invalid ${what} — ${summary}`, { details: { fields } });
}
