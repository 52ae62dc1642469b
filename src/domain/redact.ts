/** The placeholder that replaces a secret in any text Reelay emits. */
export const REDACTED = '[REDACTED]';

/**
 * Replaces every occurrence of each secret (API keys, bearer tokens) in `text`. Secrets shorter
 * than 4 characters are ignored to avoid mangling ordinary words.
 */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}

const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const KEY_LIKE = /\b(sk|xi|key|rk|pk)[-_][A-Za-z0-9_-]{12,}\b/g;

/**
 * Removes bearer tokens, strings shaped like API keys and credentials inside URLs (userinfo,
 * key-like query parameters), for text from unknown sources.
 */
export function redactKeyLike(text: string): string {
  return redactUrlCredentials(text).replace(BEARER, `$1${REDACTED}`).replace(KEY_LIKE, REDACTED);
}

/** A URL inside free text: scheme, optional userinfo (up to the last `@` of the authority), rest. */
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]{1,15}:\/\/)([^\s/?#"'<>`]*@)?([^\s"'<>`]*)/gi;
/** Query parameters whose names say they carry a credential. */
const SECRET_PARAM =
  /([?&;](?:[^=&#\s"'<>]*?(?:key|token|secret|password|passwd|pwd|auth|signature|sig|credential|session)[^=&#\s"'<>]*)=)[^&#\s"'<>`]*/gi;

/**
 * Removes credentials from every URL in `text`: the userinfo (`user:password@`) and the values of
 * key-like query parameters (`api_key`, `token`, `signature`, …). The rest of the URL stays, so a
 * message still says which host failed.
 *
 * @example redactUrlCredentials('GET http://bob:pw@host:11434/?api_key=abc failed')
 * // 'GET http://[REDACTED]@host:11434/?api_key=[REDACTED] failed'
 */
export function redactUrlCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_IN_TEXT, (_all, scheme: string, userinfo: string | undefined, rest: string) => {
    const tail = rest.replace(SECRET_PARAM, `$1${REDACTED}`);
    return `${scheme}${userinfo ? `${REDACTED}@` : ''}${tail}`;
  });
}

/**
 * A copy of a JSON-like value with {@link redactKeyLike} applied to every string in it (object keys
 * stay). Used where events, errors and decisions leave the process or reach a store.
 */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return redactKeyLike(value) as T;
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out as T;
}
