import { describe, expect, it } from 'vitest';
import { normalizeApiKeys } from '../config/api-keys-config.js';
import { ApiKeyAuth } from './api-key-auth.js';

describe('ApiKeyAuth', () => {
  it('is off without keys', () => {
    expect(new ApiKeyAuth([]).check(undefined)).toEqual({ ok: true, clientKey: null, principal: null });
  });

  it('tells missing from invalid and accepts any configured key', () => {
    const auth = new ApiKeyAuth(normalizeApiKeys(['alpha-key-1', 'beta-key-2']));
    expect(auth.check(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(auth.check('Basic abc')).toEqual({ ok: false, reason: 'missing' });
    expect(auth.check('Bearer alpha-key-')).toEqual({ ok: false, reason: 'invalid' });
    expect(auth.check('Bearer alpha-key-10')).toEqual({ ok: false, reason: 'invalid' });
    const a = auth.check('Bearer alpha-key-1');
    const b = auth.check('bearer beta-key-2');
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.clientKey).toMatch(/^key:[0-9a-f]{16}$/);
      expect(a.clientKey).not.toBe(b.clientKey);
      expect(a.clientKey).not.toContain('alpha');
      expect(a.principal?.name).toMatch(/^key-[0-9a-f]{8}$/);
      expect([...(a.principal?.scopes ?? [])].sort()).toEqual(['admin', 'read', 'submit']);
    }
  });

  it("yields the matching key's owner and scopes (admin implies submit and read)", () => {
    const auth = new ApiKeyAuth([
      { name: 'ci', key: 'ci-key-0123456789', scopes: ['submit'] },
      { name: 'ops', key: 'ops-key-0123456789', scopes: ['admin'] },
    ]);
    const ci = auth.check('Bearer ci-key-0123456789');
    const ops = auth.check('Bearer ops-key-0123456789');
    expect(ci.ok && [ci.principal?.name, [...(ci.principal?.scopes ?? [])]]).toEqual(['ci', ['submit']]);
    expect(ops.ok && [...(ops.principal?.scopes ?? [])].sort()).toEqual(['admin', 'read', 'submit']);
  });
});
