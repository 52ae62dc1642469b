import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryLogger } from '../../src/domain/logger.js';
import { closingSetup, expectProblem, VALID_REQUEST } from './helpers.js';

const KEY = 'rk-test-key-0123456789abcdef';
const start = closingSetup();

describe('API-key auth', () => {
  it('401s a missing or wrong key with WWW-Authenticate, accepts the right one, never logs it', async () => {
    const logger = new MemoryLogger();
    const { app } = start({ config: { apiKeys: [KEY, 'other-key-xyz'] }, logger });
    const missing = await app.inject({ method: 'GET', url: '/api/providers' });
    expect(expectProblem(missing, 401, 'REELAY_ERR_UNAUTHORIZED').detail).toContain('Authorization: Bearer');
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="reelay"');
    const wrong = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { authorization: `Bearer ${KEY}x` },
    });
    expectProblem(wrong, 401, 'REELAY_ERR_UNAUTHORIZED');
    expect(wrong.headers['www-authenticate']).toContain('invalid_token');
    const right = await app.inject({
      method: 'GET',
      url: '/api/providers',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(right.statusCode).toBe(200);
    const posted = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      headers: { authorization: `Bearer ${KEY}` },
      payload: VALID_REQUEST,
    });
    expect(posted.statusCode).toBe(202);
    expect(logger.records.length).toBeGreaterThan(3);
    expect(JSON.stringify(logger.records)).not.toContain(KEY);
    expect(JSON.stringify(logger.records)).not.toContain('Bearer');
  });

  it('serves /health/* without a key but protects /metrics', async () => {
    const { app } = start({ config: { apiKeys: [KEY] } });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    expectProblem(await app.inject({ method: 'GET', url: '/metrics' }), 401, 'REELAY_ERR_UNAUTHORIZED');
    const metrics = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(metrics.statusCode).toBe(200);
  });

  it('needs no key when none is configured', async () => {
    const { app } = start();
    expect((await app.inject({ method: 'GET', url: '/api/providers' })).statusCode).toBe(200);
  });
});

describe('generate rate limit', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('429s with Retry-After and RateLimit headers once a client has spent its window; resets on time', async () => {
    // @fastify/rate-limit reads Date.now(); only Date is faked, timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2025-01-01T00:00:00Z'));
    const { app } = start({ config: { generateRatePerMinute: 2 } });
    const post = (ip = '10.0.0.1') =>
      app.inject({ method: 'POST', url: '/api/video/generate', payload: VALID_REQUEST, remoteAddress: ip });
    const first = await post();
    expect(first.statusCode).toBe(202);
    expect(first.headers['ratelimit-limit']).toBe('2');
    expect(first.headers['ratelimit-remaining']).toBe('1');
    expect(first.headers['ratelimit-reset']).toBe('60');
    expect((await post()).statusCode).toBe(202);
    const limited = await post();
    expect(expectProblem(limited, 429, 'REELAY_ERR_RATE_LIMITED').detail).toContain('2 per minute');
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect((await post('10.0.0.2')).statusCode).toBe(202);
    vi.advanceTimersByTime(59_999);
    expect((await post()).statusCode).toBe(429);
    vi.advanceTimersByTime(1);
    expect((await post()).statusCode).toBe(202);
    // Other routes are not limited.
    const other = await app.inject({ method: 'GET', url: '/api/jobs', remoteAddress: '10.0.0.1' });
    expect(other.statusCode).toBe(200);
    expect(other.headers['ratelimit-limit']).toBeUndefined();
  });

  it('counts invalid requests too (the limit protects the validator as well)', async () => {
    const { app } = start({ config: { generateRatePerMinute: 1 } });
    const bad = await app.inject({ method: 'POST', url: '/api/video/generate', payload: {} });
    expect(bad.statusCode).toBe(400);
    const next = await app.inject({ method: 'POST', url: '/api/video/generate', payload: VALID_REQUEST });
    expect(next.statusCode).toBe(429);
  });

  it('keys the limit by API key when auth is on', async () => {
    const { app } = start({
      config: { generateRatePerMinute: 1, apiKeys: ['key-one-1234', 'key-two-5678'] },
    });
    const post = (key: string) =>
      app.inject({
        method: 'POST',
        url: '/api/video/generate',
        payload: VALID_REQUEST,
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await post('key-one-1234')).statusCode).toBe(202);
    expect((await post('key-one-1234')).statusCode).toBe(429);
    expect((await post('key-two-5678')).statusCode).toBe(202);
  });
});
