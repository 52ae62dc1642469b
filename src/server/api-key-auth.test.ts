import { describe, expect, it } from 'vitest';
import { ApiKeyAuth } from './api-key-auth.js';

describe('ApiKeyAuth', () => {
  it('is off without keys', () => {
    expect(new ApiKeyAuth([]).check(undefined)).toEqual({ ok: true, clientKey: null });
  });

  it('tells missing from invalid and accepts any configured key', () => {
    const auth = new ApiKeyAuth(['alpha-key-1', 'beta-key-2']);
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
    }
  });
});
