import { describe, expect, it } from 'vitest';
import {
  chunkCountStrategy,
  noHeartbeatStrategy,
  percentageStrategy,
  readingToHeartbeat,
  tokenCountStrategy,
} from './heartbeat-strategy.js';
import { HeartbeatTracker } from './heartbeat-tracker.js';

describe('HeartbeatTracker', () => {
  it('counts progress only when a counter rises', () => {
    const t = new HeartbeatTracker();
    expect(t.record({ tokens: 0 }, 1).progressed).toBe(false);
    expect(t.record({ tokens: 5 }, 2).progressed).toBe(true);
    expect(t.record({ tokens: 5 }, 3).progressed).toBe(false);
    expect(t.record({ tokens: 4 }, 4).progressed).toBe(false);
    expect(t.record({ chunks: 1 }, 5).progressed).toBe(true);
    expect(t.lastProgressAt).toBe(5);
    expect(t.heartbeatCount).toBe(5);
  });

  it('needs percent to strictly rise', () => {
    const t = new HeartbeatTracker();
    expect(t.record({ percent: 10 }, 1).progressed).toBe(true);
    expect(t.record({ percent: 10 }, 2).progressed).toBe(false);
    expect(t.record({ percent: 10.5 }, 3).progressed).toBe(true);
  });

  it('treats message-only beats as liveness: counted and kept, but not progress', () => {
    const t = new HeartbeatTracker();
    const r = t.record({ message: 'rendering scene 3' }, 7);
    expect(r).toEqual({ progressed: false, heartbeatCount: 1 });
    expect(t.lastProgressAt).toBeUndefined();
    expect(t.latest).toEqual({ message: 'rendering scene 3' });
  });

  it('ignores non-finite readings', () => {
    const t = new HeartbeatTracker();
    expect(t.record({ tokens: Number.NaN }, 1).progressed).toBe(false);
    expect(t.record({ percent: Number.POSITIVE_INFINITY }, 1).progressed).toBe(false);
  });
});

describe('heartbeat strategies', () => {
  it('poll their source and map readings to the heartbeat of their kind', async () => {
    expect(await tokenCountStrategy(() => 42).poll()).toBe(42);
    expect(await chunkCountStrategy(async () => 3).poll()).toBe(3);
    expect(percentageStrategy(() => 1).kind).toBe('percentage');
    expect(noHeartbeatStrategy.kind).toBe('none');
    expect(readingToHeartbeat('token_count', 9)).toEqual({ tokens: 9 });
    expect(readingToHeartbeat('chunk_count', 2)).toEqual({ chunks: 2 });
    expect(readingToHeartbeat('percentage', 50)).toEqual({ percent: 50 });
    expect(readingToHeartbeat('none', 50)).toBeUndefined();
  });
});

describe('HeartbeatTracker and waiting beats', () => {
  it("counts a beat marked waiting (Reelay's own rate limit or queue) as progress, unlike a bare message", () => {
    const t = new HeartbeatTracker();
    expect(t.record({ message: 'still thinking' }, 1000).progressed).toBe(false);
    expect(t.lastProgressAt).toBeUndefined();
    expect(
      t.record({ message: "waiting for openai's rate limit, 3 s", waiting: 'rate_limit' }, 2000).progressed,
    ).toBe(true);
    expect(t.lastProgressAt).toBe(2000);
  });
});
