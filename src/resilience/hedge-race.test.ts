import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/fixtures/image-video/manual-clock.js';
import { type CallContext, type CallPolicy, createCallContext } from '../domain/call-context.js';
import type { Heartbeat } from '../domain/heartbeat.js';
import { wrap } from './call-policy.js';
import { HedgePolicy } from './hedge-policy.js';
import { type HedgeOutcome, isHedgeLoss, raceHedged } from './hedge-race.js';

/** A hand-driven provider call: the test decides when it shows a token, answers or fails. */
class Leg {
  ctx: CallContext | undefined;
  private settle: { resolve: (v: string) => void; reject: (e: unknown) => void } | undefined;
  readonly run = (ctx: CallContext): Promise<string> => {
    this.ctx = ctx;
    return new Promise<string>((resolve, reject) => {
      this.settle = { resolve, reject };
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
    });
  };
  get started(): boolean {
    return this.ctx !== undefined;
  }
  token(n = 1): void {
    this.ctx?.heartbeat({ tokens: n });
  }
  answer(v: string): void {
    this.settle?.resolve(v);
  }
  fail(e: unknown): void {
    this.settle?.reject(e);
  }
}

function setup(signal = new AbortController().signal) {
  const clock = new ManualClock();
  const beats: Heartbeat[] = [];
  const interrupted: unknown[] = [];
  const ctx = createCallContext(
    { jobId: 'job_1', stage: 'script', provider: 'alpha', correlationId: 'c1' },
    {
      signal,
      clock,
      heartbeat: (b) => beats.push(b),
      observer: { onInterrupted: (r) => interrupted.push(r) },
    },
  );
  const primary = new Leg();
  const hedge = new Leg();
  const outcomes: HedgeOutcome[] = [];
  const race = (delayMs = 800, mayHedge?: () => boolean) =>
    raceHedged(
      {
        primary: primary.run,
        hedge: hedge.run,
        delayMs,
        ...(mayHedge ? { mayHedge } : {}),
        onSettled: (o) => outcomes.push(o),
      },
      ctx,
    );
  return { clock, ctx, beats, interrupted, primary, hedge, outcomes, race };
}

describe('raceHedged', () => {
  it('a first token before the delay: no hedge, the timer is cleared', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(799);
    s.primary.token();
    expect(s.clock.pending()).toBe(0);
    s.primary.answer('p');
    await expect(result).resolves.toBe('p');
    expect(s.hedge.started).toBe(false);
    expect(s.outcomes).toEqual([expect.objectContaining({ hedged: false, winner: 'primary' })]);
  });

  it('starts the hedge exactly at the delay (not 1 ms before), with attempt + 1', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(799);
    expect(s.hedge.started).toBe(false);
    await s.clock.advance(1);
    expect(s.hedge.started).toBe(true);
    expect(s.hedge.ctx?.attempt).toBe(2);
    s.hedge.token();
    s.hedge.answer('h');
    await expect(result).resolves.toBe('h');
  });

  it('the hedge wins on its first token: the primary is aborted at once with a hedge-loss reason', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(800);
    await s.clock.advance(150);
    s.hedge.token();
    // Synchronously, before any promise settles.
    expect(s.primary.ctx?.signal.aborted).toBe(true);
    expect(isHedgeLoss(s.primary.ctx?.signal.reason)).toBe(true);
    expect(s.hedge.ctx?.signal.aborted).toBe(false);
    s.primary.token(5); // too late: not forwarded
    s.hedge.token(2);
    s.hedge.answer('h');
    await expect(result).resolves.toBe('h');
    expect(s.beats).toEqual([{ tokens: 1 }, { tokens: 2 }]);
    expect(s.outcomes[0]).toMatchObject({
      hedged: true,
      winner: 'hedge',
      loser: 'primary',
    });
    expect((s.outcomes[0]?.hedgeStartedAt ?? 0) - (s.outcomes[0]?.startedAt ?? 0)).toBe(800);
    expect((s.outcomes[0]?.firstTokenAt ?? 0) - (s.outcomes[0]?.startedAt ?? 0)).toBe(950);
  });

  it('the primary wins after the hedge started: the hedge is aborted', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(900);
    s.primary.token();
    expect(s.hedge.ctx?.signal.aborted).toBe(true);
    s.primary.answer('p');
    await expect(result).resolves.toBe('p');
    expect(s.outcomes[0]).toMatchObject({ winner: 'primary', loser: 'hedge' });
  });

  it('a whole answer without heartbeats counts as the first byte', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(800);
    s.hedge.answer('h');
    await expect(result).resolves.toBe('h');
    expect(s.primary.ctx?.signal.aborted).toBe(true);
  });

  it('a message-only heartbeat is liveness, not a first token', async () => {
    const s = setup();
    const result = s.race(800);
    s.primary.ctx?.heartbeat({ message: 'queued' });
    await s.clock.advance(800);
    expect(s.hedge.started).toBe(true);
    s.hedge.token();
    s.hedge.answer('h');
    await expect(result).resolves.toBe('h');
    expect(s.beats[0]).toEqual({ message: 'queued' });
  });

  it('a primary failure before the delay fails the call at once; no hedge', async () => {
    const s = setup();
    const result = s.race(800);
    const boom = new Error('503');
    s.primary.fail(boom);
    await expect(result).rejects.toBe(boom);
    await s.clock.advance(1000);
    expect(s.hedge.started).toBe(false);
  });

  it('a primary failure after the hedge started leaves the hedge running; both failing throws the primary error', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(800);
    const first = new Error('primary');
    s.primary.fail(first);
    await s.clock.advance(1);
    s.hedge.fail(new Error('hedge'));
    await expect(result).rejects.toBe(first);
    expect(s.outcomes[0]).toMatchObject({ hedged: true, winner: undefined });
  });

  it('a failure of the winner after its first token is the call’s failure', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(800);
    s.hedge.token();
    const cut = new Error('cut');
    s.hedge.fail(cut);
    await expect(result).rejects.toBe(cut);
  });

  it('aborting the call aborts both legs', async () => {
    const outer = new AbortController();
    const s = setup(outer.signal);
    const result = s.race(800);
    await s.clock.advance(800);
    outer.abort(new Error('cancel'));
    expect(s.primary.ctx?.signal.aborted).toBe(true);
    expect(s.hedge.ctx?.signal.aborted).toBe(true);
    await expect(result).rejects.toThrow('cancel');
  });

  it('mayHedge false at the delay: the primary runs on alone', async () => {
    const s = setup();
    const result = s.race(800, () => false);
    await s.clock.advance(5000);
    expect(s.hedge.started).toBe(false);
    s.primary.answer('p');
    await expect(result).resolves.toBe('p');
  });

  it('the loser’s interruption is not reported as the call’s (the router would abort the winner)', async () => {
    const s = setup();
    const result = s.race(800);
    await s.clock.advance(800);
    s.hedge.token();
    s.primary.ctx?.observer?.onInterrupted?.(s.primary.ctx.signal.reason);
    s.hedge.ctx?.observer?.onInterrupted?.(new Error('switch'));
    s.hedge.answer('h');
    await result;
    expect(s.interrupted).toEqual([new Error('switch')]);
  });
});

describe('HedgePolicy', () => {
  const counting = (log: string[], name: string): CallPolicy => ({
    execute: (fn, ctx) => {
      log.push(name);
      return fn(ctx);
    },
  });

  it('composes with wrap(): policies outside it run once, policies inside run once per leg', async () => {
    const s = setup();
    const log: string[] = [];
    const pipeline = wrap(
      counting(log, 'outer'),
      new HedgePolicy(() => ({ delayMs: 800 })),
      counting(log, 'inner'),
    );
    const legs = [s.primary, s.hedge];
    let n = 0;
    const result = pipeline.execute((c) => (legs[n++] as Leg).run(c), s.ctx);
    await s.clock.advance(800);
    s.hedge.token();
    s.hedge.answer('h');
    await expect(result).resolves.toBe('h');
    expect(log).toEqual(['outer', 'inner', 'inner']);
  });

  it('no plan: the call runs once, untouched', async () => {
    const s = setup();
    const result = new HedgePolicy(() => undefined).execute(s.primary.run, s.ctx);
    expect(s.primary.ctx).toBe(s.ctx);
    await s.clock.advance(10_000);
    s.primary.answer('p');
    await expect(result).resolves.toBe('p');
    expect(s.hedge.started).toBe(false);
  });
});
