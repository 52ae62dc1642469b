/**
 * The hedging benchmark's virtual-time half: the same scenario (unscaled: 20 s first token on
 * half of the requests) run through the real race code (`raceHedged`) on a hand-driven clock, so
 * the figures are exact and independent of the machine's load. Neither and failover are computed
 * from the same first-token sequence (no hedge code involved): neither = the primary's own time;
 * failover = the primary's time when within the limit, else limit + the alternative's time.
 */

import { createCallContext } from '../../src/domain/call-context.js';
import { raceHedged } from '../../src/resilience/hedge-race.js';
import { ManualClock } from '../../test/fixtures/image-video/manual-clock.js';

/** One request's first-token times (ms): the primary's and the alternative's. */
export interface VirtualRequest {
  primaryMs: number;
  alternativeMs: number;
}

/** TTFT samples and upstream requests started, per mode. */
export interface VirtualRun {
  neither: number[];
  failover: number[];
  hedge: number[];
  upstream: { neither: number; failover: number; hedge: number };
}

/** A leg that shows its first token after `ms` on `clock`, unless aborted first. */
function leg(clock: ManualClock, ms: number) {
  return (ctx: { signal: AbortSignal; heartbeat: (b: { tokens: number }) => void }): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        ctx.heartbeat({ tokens: 1 });
        resolve('ok');
      }, ms);
      ctx.signal.addEventListener(
        'abort',
        () => {
          clock.clearTimeout(timer);
          reject(ctx.signal.reason);
        },
        { once: true },
      );
    });
}

/** Runs `requests` through the three modes with `delayMs` as hedge delay and failover limit. */
export async function runVirtual(requests: readonly VirtualRequest[], delayMs: number): Promise<VirtualRun> {
  const run: VirtualRun = {
    neither: [],
    failover: [],
    hedge: [],
    upstream: { neither: 0, failover: 0, hedge: 0 },
  };
  for (const r of requests) {
    run.neither.push(r.primaryMs);
    run.upstream.neither += 1;
    const failedOver = r.primaryMs > delayMs;
    run.failover.push(failedOver ? delayMs + r.alternativeMs : r.primaryMs);
    run.upstream.failover += failedOver ? 2 : 1;

    const clock = new ManualClock(0);
    let firstTokenAt: number | undefined;
    let hedged = false;
    const ctx = createCallContext(
      { jobId: 'bench', stage: 'script', provider: 'slow', correlationId: 'bench' },
      { signal: new AbortController().signal, clock, heartbeat: () => {} },
    );
    const race = raceHedged(
      {
        primary: leg(clock, r.primaryMs),
        hedge: leg(clock, r.alternativeMs),
        delayMs,
        onSettled: (o) => {
          firstTokenAt = o.firstTokenAt;
          hedged = o.hedged;
        },
      },
      ctx,
    );
    // Fires every due timer in time order, letting the race react between them.
    await clock.advance(Math.max(r.primaryMs, delayMs + r.alternativeMs) + 1);
    await race;
    run.hedge.push(firstTokenAt ?? Number.NaN);
    run.upstream.hedge += hedged ? 2 : 1;
  }
  return run;
}
