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

/** Removes bearer tokens and strings shaped like API keys, for text from unknown sources. */
export function redactKeyLike(text: string): string {
  return text.replace(BEARER, `$1${REDACTED}`).replace(KEY_LIKE, REDACTED);
}
