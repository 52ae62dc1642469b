import { createHash } from 'node:crypto';
import { z } from 'zod';
import { API_KEY_SCOPES, type ApiKeyScope, type ApiKeySpec } from '../domain/access.js';
import { ReelayError } from '../domain/errors.js';

/** Owner names: 1–64 characters of `[A-Za-z0-9._-]`, starting with a letter or digit. */
export const API_KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const scopeList = z.array(z.enum(API_KEY_SCOPES)).min(1);

/** One entry of `server.apiKeys` in the config file: exactly one of `key` / `keyEnv`. */
export const ApiKeyEntrySchema = z
  .object({
    name: z.string().regex(API_KEY_NAME_PATTERN, 'an owner name: letters, digits, . _ - (1–64)'),
    /** Name of the environment variable holding the key (preferred: the file stays commit-safe). */
    keyEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'an environment variable name')
      .optional(),
    /** The key itself (discouraged: the file then holds a secret). */
    key: z.string().min(16, 'at least 16 characters').optional(),
    scopes: scopeList,
  })
  .strict()
  .refine((e) => (e.key === undefined) !== (e.keyEnv === undefined), 'set exactly one of key or keyEnv');

/** A config-file entry of `server.apiKeys`. */
export type ApiKeyEntry = z.output<typeof ApiKeyEntrySchema>;

/** Every scope: what a plain key (no name, no scopes) is granted, as before scopes existed. */
const ALL_SCOPES: readonly ApiKeyScope[] = [...API_KEY_SCOPES];

/**
 * The owner name of a plain key: `key-` and the first 8 hex digits of its SHA-256, stable across
 * restarts and revealing nothing usable about the key.
 */
export function plainKeyName(key: string): string {
  return `key-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 8)}`;
}

function configError(message: string): ReelayError {
  return new ReelayError('REELAY_ERR_CONFIG', message);
}

/**
 * Parses one key written as text (an entry of `REELAY_API_KEYS`, or a string in
 * `ServerConfig.apiKeys`): `name:key:scope+scope` (scoped), or a plain key without `:` (all
 * scopes, named {@link plainKeyName}). Errors never repeat the key.
 *
 * @example parseApiKeyText('ci:s3cr3t-0123456789:submit+read') // { name: 'ci', key: 's3cr3t-…', scopes: ['submit', 'read'] }
 */
export function parseApiKeyText(text: string, where = 'REELAY_API_KEYS'): ApiKeySpec {
  const entry = text.trim();
  if (!entry.includes(':')) return { name: plainKeyName(entry), key: entry, scopes: ALL_SCOPES };
  const first = entry.indexOf(':');
  const last = entry.lastIndexOf(':');
  const name = entry.slice(0, first);
  const key = entry.slice(first + 1, last);
  const scopeText = entry.slice(last + 1);
  if (first === last || key.length === 0) {
    throw configError(
      `An entry of ${where} contains ":" but is not name:key:scopes (e.g. ci:<key>:submit+read); a plain key must not contain ":".`,
    );
  }
  if (!API_KEY_NAME_PATTERN.test(name)) {
    throw configError(
      `An entry of ${where} has the owner name "${name.slice(0, 64)}": use letters, digits, . _ - (1–64).`,
    );
  }
  const scopes = scopeText.split('+').map((s) => s.trim());
  const unknown = scopes.filter((s) => !(API_KEY_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0 || scopes.length === 0) {
    throw configError(
      `The key "${name}" in ${where} has unknown scope(s) ${unknown.map((s) => `"${s.slice(0, 20)}"`).join(', ') || '(none)'}; use ${API_KEY_SCOPES.join(', ')} joined with "+".`,
    );
  }
  return { name, key, scopes: [...new Set(scopes as ApiKeyScope[])] };
}

/** Parses `REELAY_API_KEYS`: comma-separated entries of {@link parseApiKeyText}. */
export function parseApiKeysEnv(raw: string | undefined): ApiKeySpec[] {
  return (raw ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0)
    .map((k) => parseApiKeyText(k));
}

/**
 * Resolves the config file's `server.apiKeys`: each `keyEnv` is read from `env`; an unset
 * variable is an error (a key that silently disappeared could turn authentication off).
 */
export function resolveApiKeyEntries(entries: readonly ApiKeyEntry[], env: NodeJS.ProcessEnv): ApiKeySpec[] {
  return entries.map((entry, i) => {
    const key = entry.key ?? env[entry.keyEnv ?? '']?.trim();
    if (!key) {
      throw configError(
        `server.apiKeys[${i}] ("${entry.name}") reads its key from ${entry.keyEnv}, which is not set; set it or remove the entry.`,
      );
    }
    return { name: entry.name, key, scopes: [...new Set(entry.scopes)] };
  });
}

/** Normalises keys given to the server: strings are parsed with {@link parseApiKeyText}. */
export function normalizeApiKeys(keys: readonly (string | ApiKeySpec)[]): ApiKeySpec[] {
  return keys
    .filter((k) => (typeof k === 'string' ? k.trim().length > 0 : k.key.length > 0))
    .map((k) => (typeof k === 'string' ? parseApiKeyText(k, 'apiKeys') : { ...k, scopes: [...k.scopes] }));
}
