import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMEOUT_PROFILES } from '../config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import type { PatienceProfileName } from '../config/timeout-profile-schema.js';
import type { HeartbeatKind } from '../domain/heartbeat.js';
import type { ProviderType } from '../domain/provider-type.js';
import { expectNothingLeftRunning } from './gateway-test-harness.js';
import { StallDetector, type StallDetectorEvent } from './stall-detector.js';

const loader = new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES });

function setup(
  heartbeatKind: HeartbeatKind = 'token_count',
  providerType: ProviderType = 'cloud_llm',
  patience: PatienceProfileName = 'balanced',
  signal?: AbortSignal,
) {
  const detector = new StallDetector();
  const events: StallDetectorEvent[] = [];
  detector.onAny((e) => events.push(e));
  detector.monitor(
    {
      operationId: 'op_1',
      jobId: 'job_1',
      providerName: 'P',
      providerType,
      stage: 'script',
      correlationId: 'c1',
      profile: loader.getProfileForType(providerType, patience),
      heartbeatKind,
    },
    signal,
  );
  const types = () =>
    events.map((e) => (e.type === 'latency-category-changed' ? `${e.from}>${e.to}` : e.type));
  return { detector, events, types };
}

const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('StallDetector', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // cloud_llm balanced: normal 15 000, extended 60 000, deepWait 120 000, stall 5 000 × 4 = 20 000
  it('reports a stall exactly at the threshold without progress, once per episode', async () => {
    const { detector, events, types } = setup();
    await tick(14_999);
    expect(types()).toEqual([]);
    await tick(1);
    expect(types()).toEqual(['Normal>Extended']);
    await tick(4_999);
    expect(detector.getState('op_1')!.category).toBe('Extended');
    await tick(1);
    expect(types()).toEqual(['Normal>Extended', 'Extended>StallSuspected', 'stall-suspected']);
    expect(events.at(-1)).toMatchObject({ elapsedMs: 20_000, sinceProgressMs: 20_000, thresholdMs: 20_000 });
    await tick(600_000);
    expect(types().filter((t) => t === 'stall-suspected')).toHaveLength(1);
    expect(detector.getState('op_1')!.stallEpisodes).toBe(1);
    detector.stop('op_1');
  });

  it('never reports a stall while progress keeps coming, even past deepWait', async () => {
    const { detector, types } = setup();
    for (let t = 0; t < 300_000; t += 19_000) {
      await tick(19_000);
      detector.heartbeat('op_1', { tokens: t + 1 });
    }
    expect(types()).toEqual(['Normal>Extended', 'Extended>DeepWait']);
    expect(detector.getState('op_1')!.heartbeatCount).toBeGreaterThan(10);
    detector.stop('op_1');
  });

  it('does not let message-only beats reset the stall timer', async () => {
    const { detector, types } = setup();
    await tick(10_000);
    detector.heartbeat('op_1', { message: 'still thinking' });
    await tick(10_000);
    expect(types()).toContain('stall-suspected');
    detector.stop('op_1');
  });

  it('clears a stall on progress and reports a second episode', async () => {
    const { detector, events, types } = setup();
    await tick(25_000);
    detector.heartbeat('op_1', { tokens: 3 });
    expect(types().slice(-2)).toEqual(['stall-cleared', 'StallSuspected>Extended']);
    expect(events.find((e) => e.type === 'stall-cleared')).toMatchObject({ stalledForMs: 5_000 });
    await tick(19_999);
    expect(types().filter((t) => t === 'stall-suspected')).toHaveLength(1);
    await tick(1);
    expect(types().filter((t) => t === 'stall-suspected')).toHaveLength(2);
    expect(detector.getState('op_1')!.stallEpisodes).toBe(2);
    detector.stop('op_1');
  });

  it('judges a provider without heartbeats stalled only at deepWait', async () => {
    // local_llm conservative: normal 21 000, extended 126 000, deepWait 210 000
    const { detector, types } = setup('none', 'local_llm', 'conservative');
    await tick(209_999);
    expect(types()).toEqual(['Normal>Extended', 'Extended>DeepWait']);
    await tick(1);
    expect(types().slice(-2)).toEqual(['DeepWait>StallSuspected', 'stall-suspected']);
    detector.stop('op_1');
  });

  it.each([
    ['image_gen', 'balanced', 60_000, 240_000],
    ['image_gen', 'longForm', 120_000, 480_000],
    ['video_render', 'conservative', 84_000, 420_000],
  ] as const)('%s / %s moves categories exactly at %i and %i', async (type, patience, normal, extended) => {
    const { detector, types } = setup('percentage', type, patience);
    let percent = 0;
    const advanceWithProgress = async (ms: number) => {
      for (let left = ms; left > 0; left -= Math.min(left, 10_000)) {
        await tick(Math.min(left, 10_000));
        detector.heartbeat('op_1', { percent: ++percent / 1000 });
      }
    };
    await advanceWithProgress(normal - 1);
    expect(types()).toEqual([]);
    await tick(1);
    expect(types()).toEqual(['Normal>Extended']);
    await advanceWithProgress(extended - normal - 1);
    expect(types()).toEqual(['Normal>Extended']);
    await tick(1);
    expect(types()).toEqual(['Normal>Extended', 'Extended>DeepWait']);
    detector.stop('op_1');
  });

  it('suppresses stall reports for exactly the window, then reports a new episode', async () => {
    const { detector, types } = setup();
    await tick(20_000);
    expect(types().filter((t) => t === 'stall-suspected')).toHaveLength(1);
    detector.suppress('op_1', 30_000);
    expect(detector.getState('op_1')!.category).toBe('Extended');
    await tick(29_999);
    expect(types().filter((t) => t === 'stall-suspected')).toHaveLength(1);
    await tick(1);
    expect(types().filter((t) => t === 'stall-suspected')).toHaveLength(2);
    detector.stop('op_1');
  });

  it('marks errors and stops cleanly, leaving no timers (abort signal included)', async () => {
    const ac = new AbortController();
    const { detector, types } = setup('token_count', 'cloud_llm', 'balanced', ac.signal);
    expect(vi.getTimerCount()).toBe(1);
    detector.markError('op_1');
    expect(types()).toEqual(['Normal>Error']);
    await expectNothingLeftRunning(() => types().length);
    ac.abort();
    expect(detector.size).toBe(0);
    expect(detector.getState('op_1')).toBeUndefined();
    await tick(1_000_000);
    expect(types()).toEqual(['Normal>Error']);
  });

  it('exits cleanly on cancellation while stalled', async () => {
    const ac = new AbortController();
    const { detector } = setup('token_count', 'cloud_llm', 'balanced', ac.signal);
    await tick(30_000);
    ac.abort();
    await expectNothingLeftRunning();
    expect(detector.heartbeat('op_1', { tokens: 1 })).toBeUndefined();
  });
});
