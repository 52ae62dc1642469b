import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { silentLogger } from '../domain/logger.js';
import { registerLimitMetrics } from './limit-metrics.js';
import { createProviderLimits } from './provider-limits.js';

describe('provider limits from the configuration, and their metrics', () => {
  it('builds per-key rate limits and bulkheads, and exposes them without the key', async () => {
    const limits = createProviderLimits(
      {
        providers: {
          openai: { enabled: true, rateLimit: { requestsPerMinute: 1, maxWaitMs: 0 } },
          ollama: { enabled: true, bulkhead: { maxConcurrent: 1, maxQueue: 0 } },
          'stable-diffusion': { enabled: true, bulkhead: false },
        },
      },
      { clock: systemClock, logger: silentLogger, keyIds: { openai: 'abc123def456' } },
    );
    expect(limits.bulkheads.get('stable-diffusion')).toBeUndefined();
    await limits.rateLimiter.acquire('openai');
    await expect(limits.rateLimiter.acquire('openai')).rejects.toMatchObject({ category: 'rate_limit' });
    const slot = await limits.bulkheads.get('ollama')?.acquire();
    await expect(limits.bulkheads.get('ollama')?.acquire()).rejects.toMatchObject({
      category: 'provider_overload',
    });
    const registry = new Registry();
    registerLimitMetrics(registry, limits);
    const text = await registry.metrics();
    expect(text).toContain('reelay_bulkhead_in_use{provider="ollama"} 1');
    expect(text).toContain('reelay_bulkhead_rejected_total{provider="ollama",reason="queue_full"} 1');
    expect(text).toContain('reelay_rate_limit_remaining_requests{provider="openai"} 0');
    expect(text).toContain('reelay_rate_limit_rejected_total{provider="openai"} 1');
    expect(limits.rateLimiter.view('openai')?.bucket).toBe('openai#abc123def456');
    slot?.();
    expect(await registry.metrics()).toContain('reelay_bulkhead_in_use{provider="ollama"} 0');
  });
});
