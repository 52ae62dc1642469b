import { afterEach, describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

const KEY = 'rk-cors-key-0123456789';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function start(corsOrigins?: string[]) {
  const ctx = setup({ config: { apiKeys: [KEY], ...(corsOrigins ? { corsOrigins } : {}) } });
  close = () => ctx.app.close();
  return ctx.app;
}

const ORIGIN = 'https://studio.example.com';

describe('CORS', () => {
  it('is off by default: no Access-Control headers, preflight not answered', async () => {
    const app = start();
    const res = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { origin: ORIGIN, authorization: `Bearer ${KEY}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/video/generate',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows the configured origins only, answers preflights without a key, exposes the useful headers', async () => {
    const app = start([ORIGIN]);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/video/generate',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization');
    const res = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { origin: ORIGIN, authorization: `Bearer ${KEY}` },
    });
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(res.headers['access-control-expose-headers'])).toContain('x-correlation-id');
    const other = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { origin: 'https://evil.example.net', authorization: `Bearer ${KEY}` },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
