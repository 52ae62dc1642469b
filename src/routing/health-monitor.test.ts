import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HealthReport } from '../domain/provider.js';
import { HealthMonitor, type HealthMonitorOptions } from './health-monitor.js';
import type { HealthChangedEvent } from './provider-health.js';
import { catalogOf, fakeProvider } from './test-providers.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const ok: HealthReport = { healthy: true, latencyMs: 5, message: 'ok' };

function monitorWith(
  check: (signal: AbortSignal) => Promise<HealthReport>,
  options: Partial<HealthMonitorOptions> = {},
) {
  const spy = vi.fn(check);
  const monitor = new HealthMonitor({
    catalog: catalogOf([fakeProvider('p', { healthCheck: spy })]),
    random: () => 0,
    ...options,
  });
  return { monitor, spy };
}

describe('HealthMonitor scheduling', () => {
  it('checks at start, then after the jittered interval (random 0 → 27 000 ms)', async () => {
    const { monitor, spy } = monitorWith(async () => ok);
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(monitor.getHealth('p')).toMatchObject({ healthy: true, uptime: 1, consecutiveFailures: 0 });
    await vi.advanceTimersByTimeAsync(26_999);
    expect(spy).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(spy).toHaveBeenCalledTimes(2);
    monitor.stop();
  });

  it('jitter scales the interval by 1 ± 10 % (random 0.75 → 31 500 ms)', async () => {
    const { monitor, spy } = monitorWith(async () => ok, { random: () => 0.75 });
    monitor.start();
    await vi.advanceTimersByTimeAsync(31_499);
    expect(spy).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(spy).toHaveBeenCalledTimes(2);
    monitor.stop();
  });

  it('times a check out at 10 000 ms: aborts the signal and records a failure', async () => {
    let seen: AbortSignal | undefined;
    const { monitor } = monitorWith((signal) => {
      seen = signal;
      return new Promise(() => {}); // ignores the abort
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(seen?.aborted).toBe(false);
    expect(monitor.getHealth('p')).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(seen?.aborted).toBe(true);
    expect(monitor.getHealth('p')).toMatchObject({
      healthy: false,
      latencyMs: 10_000,
      message: 'timed out after 10000 ms',
      consecutiveFailures: 1,
    });
    monitor.stop();
  });

  it('never overlaps: a provider still running its last check is skipped', async () => {
    const { monitor, spy } = monitorWith(() => new Promise(() => {}));
    monitor.start();
    await vi.advanceTimersByTimeAsync(10_000 + 27_000 * 3);
    expect(spy).toHaveBeenCalledTimes(1);
    const health = await monitor.checkNow('p');
    expect(health.message).toBe('timed out after 10000 ms');
    expect(spy).toHaveBeenCalledTimes(1);
    monitor.stop();
  });

  it('checkNow joins a check already running', async () => {
    let resolve: (r: HealthReport) => void = () => {};
    const { monitor, spy } = monitorWith(
      () =>
        new Promise((r) => {
          resolve = r;
        }),
    );
    const a = monitor.checkNow('p');
    const b = monitor.checkNow('p');
    await vi.advanceTimersByTimeAsync(0);
    resolve(ok);
    expect(await a).toEqual(await b);
    expect(spy).toHaveBeenCalledTimes(1);
    await expect(monitor.checkNow('nope')).rejects.toMatchObject({ code: 'REELAY_ERR_PROVIDER_UNKNOWN' });
  });

  it('skips checks while the breaker is open and resumes when it closes', async () => {
    const open = new Set(['p']);
    const { monitor, spy } = monitorWith(async () => ok, { breakers: { isOpen: (id) => open.has(id) } });
    monitor.start();
    await vi.advanceTimersByTimeAsync(27_000 * 2);
    expect(spy).toHaveBeenCalledTimes(0);
    open.clear();
    await vi.advanceTimersByTimeAsync(27_000);
    expect(spy).toHaveBeenCalledTimes(1);
    monitor.stop();
  });

  it('stop leaves no timers, even with a check running', async () => {
    const { monitor } = monitorWith(() => new Promise(() => {}));
    monitor.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    monitor.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(monitor.isRunning).toBe(false);
    expect(monitor.getHealth('p')).toBeUndefined(); // a check ended by stop is not recorded
  });
});

describe('HealthMonitor catalog changes', () => {
  it('picks up a provider added after start at the next tick, and checks each once per interval', async () => {
    const providers = [fakeProvider('a')];
    const b = vi.fn(async () => ok);
    const monitor = new HealthMonitor({
      catalog: { list: () => providers, find: (id) => providers.find((p) => p.id === id) },
      random: () => 0,
    });
    monitor.start();
    await vi.advanceTimersByTimeAsync(0);
    providers.push(fakeProvider('b', { healthCheck: b }));
    await vi.advanceTimersByTimeAsync(27_000);
    expect(b).toHaveBeenCalledTimes(0);
    // a's tick at 27 000 schedules b's first check with delay 0 (timers fire ≥ 1 ms later, as in Node).
    await vi.advanceTimersByTimeAsync(1);
    expect(b).toHaveBeenCalledTimes(1);
    expect(monitor.getAll().map((h) => h.provider)).toEqual(['a', 'b']);
    monitor.stop();
  });
});

describe('HealthMonitor state and events', () => {
  it('tracks uptime over the window, consecutive failures, and emits on change only', async () => {
    const results = [true, false, false, true, true];
    const { monitor } = monitorWith(
      async () => {
        const healthy = results.shift() ?? true;
        return { healthy, latencyMs: 7, message: healthy ? 'ok' : 'HTTP 503' };
      },
      { uptimeWindow: 4 },
    );
    const events: HealthChangedEvent[] = [];
    monitor.on('health-changed', (e) => events.push(e));
    await monitor.checkNow('p');
    await monitor.checkNow('p');
    await monitor.checkNow('p');
    expect(monitor.getHealth('p')).toMatchObject({
      healthy: false,
      consecutiveFailures: 2,
      message: 'HTTP 503',
    });
    expect(monitor.getHealth('p')?.uptime).toBeCloseTo(1 / 3, 10);
    await monitor.checkNow('p');
    await monitor.checkNow('p');
    // window of 4: false, false, true, true
    expect(monitor.getHealth('p')).toMatchObject({
      healthy: true,
      uptime: 0.5,
      consecutiveFailures: 0,
      checks: 4,
    });
    expect(events.map((e) => [e.previous, e.healthy])).toEqual([
      [null, true],
      [true, false],
      [false, true],
    ]);
  });

  it('a thrown check is unhealthy, with key-like strings redacted', async () => {
    const { monitor } = monitorWith(async () => {
      throw new Error('401 for key sk-abcdefghijklmnopqrstu');
    });
    const health = await monitor.checkNow('p');
    expect(health.healthy).toBe(false);
    expect(health.message).toContain('401');
    expect(health.message).not.toContain('abcdefghijklmnop');
  });
});
