import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMEOUT_PROFILES } from '../config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { expectNothingLeftRunning } from './gateway-test-harness.js';
import { StallDetector, type StallDetectorEvent } from './stall-detector.js';

// cloud_llm balanced: normal 15 000, extended 60 000, stall 20 000 without progress
const profile = new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }).getProfileForType(
  'cloud_llm',
  'balanced',
);
const input = (operationId: string) => ({
  operationId,
  jobId: `job-${operationId}`,
  providerName: 'P',
  providerType: 'cloud_llm' as const,
  stage: 'script',
  correlationId: 'c',
  profile,
  heartbeatKind: 'token_count' as const,
});
const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);

function setup() {
  const detector = new StallDetector();
  const events: StallDetectorEvent[] = [];
  detector.onAny((e) => events.push(e));
  const log = () =>
    events.map(
      (e) => `${e.operationId}:${e.type === 'latency-category-changed' ? `${e.from}>${e.to}` : e.type}`,
    );
  return { detector, events, log };
}

describe('StallDetector: one timer for every monitored call', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps its timer armed between calls in a row, and still reports each at its own boundary', async () => {
    const { detector, log } = setup();
    const created = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    for (let i = 0; i < 5; i++) {
      detector.monitor(input(`quick${i}`));
      await tick(10);
      detector.stop(`quick${i}`);
    }
    // One timer for all five calls: armed by the first, neither cleared nor re-created after.
    expect(created).toHaveBeenCalledTimes(1);
    expect(cleared).not.toHaveBeenCalled();
    detector.monitor(input('slow'));
    await tick(14_999);
    expect(log()).toEqual([]);
    await tick(1); // exactly at its own 15 000 ms boundary, after the idle timer fired early
    expect(log()).toEqual(['slow:Normal>Extended']);
    detector.stopAll();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('holds one timer for many calls and still reports each at its own boundary', async () => {
    const { detector, log } = setup();
    detector.monitor(input('a'));
    await tick(1_000);
    detector.monitor(input('b'));
    await tick(1_000);
    detector.monitor(input('c'));
    expect(vi.getTimerCount()).toBe(1);
    await tick(12_999); // a is at 14 999 ms
    expect(log()).toEqual([]);
    await tick(1);
    expect(log()).toEqual(['a:Normal>Extended']);
    await tick(999);
    expect(log()).toEqual(['a:Normal>Extended']);
    await tick(1);
    expect(log()).toEqual(['a:Normal>Extended', 'b:Normal>Extended']);
    await tick(1_000);
    expect(log()).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(1);
    detector.stopAll();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports calls due at the same millisecond in the order they were monitored', async () => {
    const { detector, log, events } = setup();
    for (const id of ['x', 'y', 'z']) detector.monitor(input(id));
    await tick(20_000);
    expect(log().filter((l) => l.endsWith('stall-suspected'))).toEqual([
      'x:stall-suspected',
      'y:stall-suspected',
      'z:stall-suspected',
    ]);
    expect(events.filter((e) => e.type === 'stall-suspected').map((e) => e.elapsedMs)).toEqual([
      20_000, 20_000, 20_000,
    ]);
    detector.stopAll();
  });

  it('keeps exact deadlines when the earliest call stops, and leaves no timer running when the last does', async () => {
    const { detector, log } = setup();
    detector.monitor(input('early'));
    await tick(5_000);
    detector.monitor(input('late'));
    detector.stop('early');
    await tick(14_999); // late is at 14 999 ms
    expect(log()).toEqual([]);
    await tick(1);
    expect(log()).toEqual(['late:Normal>Extended']);
    detector.markError('late');
    await expectNothingLeftRunning(() => log().length);
    detector.stop('late');
    expect(detector.size).toBe(0);
  });

  it('lets a listener stop another due call or suppress its own within one firing', async () => {
    const { detector, log } = setup();
    detector.on('stall-suspected', (e) => {
      if (e.operationId === 'first') {
        detector.stop('second');
        detector.suppress('first', 30_000);
      }
    });
    detector.monitor(input('first'));
    detector.monitor(input('second'));
    await tick(20_000);
    expect(log().filter((l) => l.startsWith('second'))).toEqual(['second:Normal>Extended']);
    expect(detector.getState('first')).toMatchObject({ category: 'Extended', stallEpisodes: 1 });
    await tick(29_999);
    expect(detector.getState('first')!.stallEpisodes).toBe(1);
    await tick(1);
    expect(detector.getState('first')!.stallEpisodes).toBe(2);
    expect(vi.getTimerCount()).toBe(1);
    detector.stop('first');
    await expectNothingLeftRunning(() => log().length);
  });

  it('re-arms earlier when progress inside a stall moves the next deadline forward', async () => {
    const { detector, log } = setup();
    detector.monitor(input('s'));
    await tick(25_000);
    detector.heartbeat('s', { tokens: 5 });
    expect(log().slice(-2)).toEqual(['s:stall-cleared', 's:StallSuspected>Extended']);
    await tick(19_999);
    expect(log().filter((l) => l.endsWith('stall-suspected'))).toHaveLength(1);
    await tick(1);
    expect(log().filter((l) => l.endsWith('stall-suspected'))).toHaveLength(2);
    detector.stop('s');
  });
});
