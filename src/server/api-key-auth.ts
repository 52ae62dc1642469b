import { createHash, timingSafeEqual } from 'node:crypto';

/** Outcome of {@link ApiKeyAuth.check}. */
export type AuthResult =
  | { ok: true; clientKey: string | null }
  | { ok: false; reason: 'missing' | 'invalid' };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Bearer API-key authentication with a constant-time comparison: the presented key and every
 * configured key are compared as SHA-256 digests (equal lengths) with `crypto.timingSafeEqual`,
 * and every configured key is compared (no early exit). Keys are never stored in clear here.
 *
 * @example
 * const auth = new ApiKeyAuth(['k1', 'k2']);
 * auth.check('Bearer k1'); // { ok: true, clientKey: 'key:…' }
 */
export class ApiKeyAuth {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.filter((k) => k.length > 0).map(digest);
  }

  /** True when at least one key is configured (authentication required). */
  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /**
   * Checks an `Authorization` header value. `clientKey` identifies the caller for rate limiting
   * without revealing the key (a short digest prefix); null when auth is off.
   */
  check(header: string | undefined): AuthResult {
    if (!this.enabled) return { ok: true, clientKey: null };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const token = match?.[1];
    if (!token) return { ok: false, reason: 'missing' };
    const presented = digest(token);
    let found = false;
    for (const d of this.digests) {
      if (timingSafeEqual(presented, d)) found = true;
    }
    if (!found) return { ok: false, reason: 'invalid' };
    return { ok: true, clientKey: `key:${presented.subarray(0, 8).toString('hex')}` };
  }
}
