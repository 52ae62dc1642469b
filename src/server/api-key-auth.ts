import { createHash, timingSafeEqual } from 'node:crypto';
import { type ApiKeySpec, effectiveScopes, type Principal } from '../domain/access.js';

/** Outcome of {@link ApiKeyAuth.check}. */
export type AuthResult =
  | { ok: true; clientKey: string | null; principal: Principal | null }
  | { ok: false; reason: 'missing' | 'invalid' };

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

interface KnownKey {
  digest: Buffer;
  principal: Principal;
}

/**
 * Bearer API-key authentication with a constant-time comparison: the presented key and every
 * configured key are compared as SHA-256 digests (equal lengths) with `crypto.timingSafeEqual`,
 * and every configured key is compared (no early exit). Only digests are kept, never the keys.
 * A match yields the key's principal: its owner name and scopes.
 *
 * @example
 * const auth = new ApiKeyAuth([{ name: 'ci', key: 'k1', scopes: ['submit'] }]);
 * auth.check('Bearer k1'); // { ok: true, clientKey: 'key:…', principal: { name: 'ci', scopes: Set {'submit'} } }
 */
export class ApiKeyAuth {
  private readonly keys: KnownKey[];

  constructor(keys: readonly ApiKeySpec[]) {
    this.keys = keys
      .filter((k) => k.key.length > 0)
      .map((k) => ({
        digest: digest(k.key),
        principal: { name: k.name, scopes: effectiveScopes(k.scopes) },
      }));
  }

  /** True when at least one key is configured (authentication required). */
  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /**
   * Checks an `Authorization` header value. `clientKey` identifies the caller for rate limiting
   * without revealing the key (a short digest prefix); it and `principal` are null when auth is off.
   */
  check(header: string | undefined): AuthResult {
    if (!this.enabled) return { ok: true, clientKey: null, principal: null };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const token = match?.[1];
    if (!token) return { ok: false, reason: 'missing' };
    const presented = digest(token);
    let found: KnownKey | undefined;
    for (const k of this.keys) {
      if (timingSafeEqual(presented, k.digest) && found === undefined) found = k;
    }
    if (!found) return { ok: false, reason: 'invalid' };
    return {
      ok: true,
      clientKey: `key:${presented.subarray(0, 8).toString('hex')}`,
      principal: found.principal,
    };
  }
}
