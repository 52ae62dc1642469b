import { describe, expect, it } from 'vitest';
import type { ProviderInfo } from '../../jobs/reelay-service.js';
import { bulkheadText, rateLimitText } from './limit-labels.js';

const base = { limits: { bulkhead: null, rateLimit: null } } as unknown as ProviderInfo;

describe('limit labels on the providers page', () => {
  it('says none without limits', () => {
    expect(bulkheadText(base)).toBe('none');
    expect(rateLimitText(base)).toBe('none');
  });

  it('shows slots in use, queued and rejected, and rate-limit room and waiting', () => {
    const p = {
      limits: {
        bulkhead: {
          maxConcurrent: 1,
          maxQueue: 16,
          queueTimeoutMs: 1,
          inUse: 1,
          queued: 3,
          rejected: 2,
          timedOut: 1,
        },
        rateLimit: {
          bucket: 'openai#abc',
          windowMs: 60_000,
          requestLimit: 60,
          tokenLimit: null,
          remainingRequests: 42,
          remainingTokens: null,
          waiting: 2,
          waits: 5,
          waitedMsTotal: 13_400,
          rejected: 0,
          blockedUntil: null,
        },
      },
    } as unknown as ProviderInfo;
    expect(bulkheadText(p)).toBe('1 of 1 slots in use · 3 queued (max 16) · 2 rejected');
    expect(rateLimitText(p)).toBe('42 of 60 requests left · 2 waiting · waited 13 s in total · 0 rejected');
  });
});
