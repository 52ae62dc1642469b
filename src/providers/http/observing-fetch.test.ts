import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../resilience/rate-limiter.js';
import { createNetworkedProviders } from '../networked/create-networked-providers.js';
import { observingFetch } from './observing-fetch.js';

describe('observingFetch', () => {
  it('shows every response to the observer first, and an observer that throws never breaks the call', async () => {
    const seen: number[] = [];
    const base = async () => new Response('{}', { status: 429, headers: { 'retry-after': '2' } });
    const f = observingFetch(base, (_h, status) => seen.push(status));
    expect((await f('http://x')).status).toBe(429);
    expect(seen).toEqual([429]);
    const throwing = observingFetch(base, () => {
      throw new Error('observer bug');
    });
    expect((await throwing('http://x')).status).toBe(429);
  });

  it('networked providers report their responses by provider id, and their key only as a key id', async () => {
    const limiter = new RateLimiter();
    const { providers, keyIds } = createNetworkedProviders(
      { providers: {}, secrets: { OPENAI_API_KEY: 'sk-test-secret' } },
      {
        fetch: async () =>
          new Response(JSON.stringify({ data: [] }), {
            headers: { 'x-ratelimit-remaining-requests': '7', 'x-ratelimit-limit-requests': '10' },
          }),
        observeResponse: (id, headers, status) => limiter.learn(id, headers, status),
      },
    );
    expect(keyIds.openai).toMatch(/^[0-9a-f]{12}$/);
    expect(JSON.stringify(keyIds)).not.toContain('sk-test-secret');
    const openai = providers.find((p) => p.id === 'openai');
    await openai?.healthCheck(new AbortController().signal).catch(() => undefined);
    expect(limiter.view('openai')).toMatchObject({ requestLimit: 10, remainingRequests: 7 });
  });
});
