import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { z } from 'zod';
import { ReelayError } from '../domain/errors.js';
import { unstorableFields } from '../domain/storable-text.js';

function validationError(error: z.ZodError | undefined, what: string, value: unknown): ReelayError {
  const fields = [
    ...unstorableFields(value),
    ...(error?.issues ?? []).map((issue) => ({
      field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
      message: issue.message,
    })),
  ];
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new ReelayError('REELAY_ERR_VALIDATION', `Invalid ${what} — ${summary}`, { details: { fields } });
}

/**
 * Parses `value` with a zod schema; on failure throws a 400 `REELAY_ERR_VALIDATION` whose
 * `details.fields` lists every invalid field (shown as the problem's `errors`). Text holding a NUL or a
 * lone surrogate is invalid in every field (no store could keep it).
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success && unstorableFields(value).length === 0) return result.data;
  throw validationError(result.success ? undefined : result.error, what, value);
}

/**
 * Fastify's validator compiler for the zod route schemas: the parsed value (coerced, defaults
 * applied) replaces the request part, and a failure is the same `REELAY_ERR_VALIDATION` as
 * {@link parseWith}, named after the schema's description (e.g. "decision answer"). Used instead
 * of `fastify-type-provider-zod`'s compiler so that invalid requests keep Reelay's problem shape.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const what = schema.description ?? httpPart ?? 'request';
  return (data) => {
    const result = schema.safeParse(httpPart === 'body' ? (data ?? {}) : data);
    // Text no store could keep (NUL, lone surrogates) is invalid in every field, whatever the schema.
    if (result.success && unstorableFields(data).length === 0) return { value: result.data };
    return { error: validationError(result.success ? undefined : result.error, what, data) };
  };
};

/**
 * Fastify's serializer compiler for routes with zod response schemas: plain `JSON.stringify`.
 * The response schemas document the API (`/openapi.json`); tests check real responses against
 * them, so a field that drifts is caught there instead of turning a successful call into a 500.
 */
export const jsonSerializerCompiler: FastifySerializerCompiler<z.ZodType> = () => (data) =>
  JSON.stringify(data);
