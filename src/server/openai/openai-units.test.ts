import { describe, expect, it } from 'vitest';
import { DecisionTokens } from './decision-token.js';
import { readReelayHeaders } from './reelay-headers.js';
import { MemorySessionStore } from './session-store.js';
import { verdictOf } from './upstream-verdict.js';

const clockAt = (t: { now: number }) => ({
  now: () => t.now,
  setTimeout: () => 0 as unknown as ReturnType<typeof setTimeout>,
  clearTimeout: () => {},
});

describe('DecisionTokens', () => {
  const claims = {
    id: 'd1',
    group: 'chat',
    from: 'a',
    alternatives: ['b'],
    category: 'api_failure',
    expiresAt: 1000,
  };
  it('accepts its own token until 1 ms before expiry, refuses at expiry and forged tokens', () => {
    const tokens = new DecisionTokens('secret');
    const token = tokens.sign(claims);
    expect(tokens.verify(token, 999)).toEqual({ ok: true, claims });
    expect(tokens.verify(token, 1000)).toEqual({ ok: false, reason: 'expired' });
    expect(new DecisionTokens('other').verify(token, 0).ok).toBe(false);
    expect(tokens.verify(`x${token}`, 0).ok).toBe(false);
  });
});

describe('MemorySessionStore', () => {
  it('keeps a pin until 1 ms before its TTL and drops it at the TTL', async () => {
    const t = { now: 0 };
    const store = new MemorySessionStore(clockAt(t));
    await store.set('s', { deployment: 'a', group: 'g' }, 100);
    t.now = 99;
    expect(await store.get('s')).toEqual({ deployment: 'a', group: 'g' });
    t.now = 100;
    expect(await store.get('s')).toBeUndefined();
  });
});

describe('readReelayHeaders', () => {
  it('parses every header and rejects bad values', () => {
    const h = readReelayHeaders({
      'x-reelay-session': 's-1',
      'x-reelay-fallback': 'ask',
      'x-reelay-fallback-models': 'a, b',
      'x-reelay-stream-recovery': 'off',
      'x-reelay-first-token-timeout-ms': '500',
    });
    expect(h).toMatchObject({
      session: 's-1',
      fallback: 'ask',
      fallbackModels: ['a', 'b'],
      streamRecovery: false,
      firstTokenTimeoutMs: 500,
    });
    expect(() => readReelayHeaders({ 'x-reelay-fallback': 'maybe' })).toThrow(/x-reelay-fallback/);
    expect(() => readReelayHeaders({ 'x-reelay-decision': 't' })).toThrow(/x-reelay-choose/);
    expect(() => readReelayHeaders({ 'x-reelay-stall-timeout-ms': '0' })).toThrow(/1 to 600000/);
  });
});

describe('verdictOf', () => {
  const v = (status: number, body = '', headers = {}, prefill = false) =>
    verdictOf('a', status, headers, body, 0, 2000, prefill);
  it('maps upstream answers to actions', () => {
    expect(v(503).action).toBe('retry');
    expect(v(429, '', { 'retry-after': '1' }).action).toBe('retry');
    expect(v(429, '', { 'retry-after': '3' }).action).toBe('switch');
    expect(v(401).action).toBe('switch');
    expect(
      v(400, JSON.stringify({ error: { code: 'context_length_exceeded', message: 'too long' } })).action,
    ).toBe('context_length');
    expect(
      v(400, JSON.stringify({ error: { code: 'content_policy_violation', message: 'no' } })).action,
    ).toBe('return');
    expect(v(400, '{}', {}, true).action).toBe('prefill_rejected');
    expect(v(400).action).toBe('return');
  });
});
