import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What an `ask` decision token carries (signed, so any instance can check it without state). */
export interface DecisionClaims {
  /** Decision id (recorded in the audit trail when answered). */
  id: string;
  /** Model group of the request. */
  group: string;
  /** The deployment that failed. */
  from: string;
  /** Deployments the client may choose. */
  alternatives: string[];
  /** The failure category that asked for the decision. */
  category: string;
  /** Session id, when the request had one. */
  session?: string;
  /** Clock time the token stops being accepted (ms). */
  expiresAt: number;
}

/**
 * Signs and checks decision tokens (HMAC-SHA256 over base64url JSON). Instances behind one load
 * balancer must share the secret.
 */
export class DecisionTokens {
  private readonly key: Buffer;

  constructor(secret?: string) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  /** A token for these claims. */
  sign(claims: DecisionClaims): string {
    const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The claims of a valid, unexpired token, else a reason. */
  verify(token: string, now: number): { ok: true; claims: DecisionClaims } | { ok: false; reason: string } {
    const dot = token.indexOf('.');
    if (dot <= 0) return { ok: false, reason: 'malformed' };
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'invalid signature' };
    let claims: DecisionClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as DecisionClaims;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!(claims.expiresAt > now)) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
