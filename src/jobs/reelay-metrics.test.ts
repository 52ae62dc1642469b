import { describe, expect, it } from 'vitest';
import { packageInfo } from '../config/package-info.js';
import { CircuitBreakerRegistry } from '../resilience/circuit-breaker-registry.js';
import { ReelayMetrics } from './reelay-metrics.js';

describe('ReelayMetrics', () => {
  it('reports breaker states as a state label, one series per state, 1 for the current one', async () => {
    const breakers = new CircuitBreakerRegistry();
    breakers.get('ollama');
    breakers.get('openai').open('maintenance');
    const text = await new ReelayMetrics(breakers).text();
    expect(text).toContain('reelay_breaker_state{provider="ollama",state="closed"} 1');
    expect(text).toContain('reelay_breaker_state{provider="ollama",state="open"} 0');
    expect(text).toContain('reelay_breaker_state{provider="openai",state="open"} 1');
    expect(text).toContain('reelay_breaker_state{provider="openai",state="closed"} 0');
    breakers.get('openai').close();
    const after = await new ReelayMetrics(breakers).text();
    expect(after).toContain('reelay_breaker_state{provider="openai",state="closed"} 1');
  });

  it('exposes reelay_build_info and the default process metrics', async () => {
    const text = await new ReelayMetrics().text();
    expect(text).toContain(
      `reelay_build_info{version="${packageInfo().version}",node="${process.version}"} 1`,
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });
});
