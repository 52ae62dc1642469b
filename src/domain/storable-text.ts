import { ReelayError } from './errors.js';

/**
 * Characters no store can keep: NUL (PostgreSQL text rejects it) and UTF-16 surrogates that are not
 * part of a pair (they are not Unicode scalar values, so they have no UTF-8 encoding).
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` holds a NUL or a lone surrogate. */
export function hasUnstorableText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/** One string field that holds unstorable characters. */
export interface UnstorableField {
  /** Dotted path (`options.style`, `reason`); an object key's own problem is reported on its path. */
  field: string;
  message: string;
}

const MESSAGE = 'contains a NUL character or an unpaired UTF-16 surrogate; remove it';

/**
 * Walks a decoded JSON value and lists every string (value or key) holding a NUL or a lone
 * surrogate. This is the one rule for both stores: such text is rejected at validation with a 400
 * naming the field, so it never reaches a database.
 */
export function unstorableFields(value: unknown, path: string[] = [], depth = 0): UnstorableField[] {
  const here = path.length > 0 ? path.join('.') : '(body)';
  if (typeof value === 'string') return hasUnstorableText(value) ? [{ field: here, message: MESSAGE }] : [];
  if (depth > 32 || typeof value !== 'object' || value === null) return [];
  const out: UnstorableField[] = [];
  const entries: [string, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [String(i), v])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const safeKey = hasUnstorableText(key) ? JSON.stringify(key).slice(1, -1) : key;
    if (safeKey !== key) out.push({ field: [...path, safeKey].join('.'), message: `the key ${MESSAGE}` });
    out.push(...unstorableFields(child, [...path, safeKey], depth + 1));
  }
  return out;
}

/**
 * Throws a 400 `REELAY_ERR_VALIDATION` naming every field of `value` that holds unstorable text.
 * @param what what was sent, for the message (`video request`, `cancel request`).
 */
export function assertStorable(value: unknown, what: string): void {
  const fields = unstorableFields(value);
  if (fields.length === 0) return;
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new ReelayError('REELAY_ERR_VALIDATION', `Invalid ${what} — ${summary}`, { details: { fields } });
}
