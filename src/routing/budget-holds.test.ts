import { describe, expect, it } from 'vitest';
import { chatCall, fail, ok, routerHarness, ScriptedLlm } from '../../test/router/router-harness.js';
import { MemoryLogger } from '../domain/logger.js';
import { MemorySpendStore } from '../state/memory/memory-router-state.js';
import type { SpendHoldRequest, SpendLedger } from '../state/router-state.js';

/** A provider call that ends only when the test says so, so that all calls are in flight at once. */
function gate(): { open(): void; wait: () => Promise<string> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, wait: () => opened.then(() => 'ok') };
}

const settle = (ms = 0) => new Promise((resolve) => setImmediate(resolve, ms));

describe('budget holds (one process)', () => {
  it('50 concurrent priced calls in memory: exactly the calls that fit run; holds are dropped', async () => {
    const g = gate();
    const paid = new ScriptedLlm('paid', {
      costModel: { unit: 'request', usdPerUnit: 0.07 },
      script: [() => g.wait()],
    });
    const { kit } = routerHarness([paid], { budgets: { perProvider: { paid: { dailyUsd: 2.5 } } } });
    const runs = Array.from({ length: 50 }, (_, i) =>
      kit.router.run(chatCall({ jobId: `job_${i}`, policy: 'off' })).then(
        () => 'ran',
        (e: { category?: string }) => e.category ?? 'failed',
      ),
    );
    await settle();
    // Check-then-record would have let all 50 start before any spend was recorded.
    expect(paid.calls).toHaveLength(35);
    g.open();
    const outcomes = await Promise.all(runs);
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(35);
    expect(outcomes.filter((o) => o === 'quota_exceeded')).toHaveLength(15);
    expect(kit.costs.spent({ provider: 'paid', period: 'day' })).toBeCloseTo(2.45, 9);
    // The budget is used up: the next call is refused before reaching the provider.
    await expect(kit.router.run(chatCall({ jobId: 'job_x', policy: 'off' }))).rejects.toThrow();
    expect(paid.calls).toHaveLength(35);
  });

  it('over a durable store, a failed call drops its hold and the next call fits again', async () => {
    const paid = new ScriptedLlm('paid', {
      costModel: { unit: 'request', usdPerUnit: 1 },
      script: [fail('authentication', { retryable: false }), ok()],
    });
    const store = new MemorySpendStore();
    const { kit } = routerHarness([paid], {
      budgets: { perProvider: { paid: { dailyUsd: 1 } } },
      spend: store,
    });
    await expect(kit.router.run(chatCall({ policy: 'off' }))).rejects.toMatchObject({
      category: 'authentication',
    });
    await kit.router.run(chatCall({ jobId: 'job_2', policy: 'off' }));
    expect(await store.total({ provider: 'paid' })).toBe(1);
    await expect(kit.router.run(chatCall({ jobId: 'job_3', policy: 'off' }))).rejects.toThrow();
    expect(paid.calls).toHaveLength(2);
  });

  it('with a shared ledger: holds every budget of the call, releases after the spend is written', async () => {
    const log: string[] = [];
    const ledger: SpendLedger = {
      async hold(request: SpendHoldRequest) {
        log.push(`hold ${request.usd} ${request.limits.map((l) => l.limitUsd).join(',')}`);
        return { admitted: true };
      },
      async releaseHold(_id, counters) {
        log.push(`release ${counters.length}`);
      },
    };
    const store = new MemorySpendStore();
    const add = store.add.bind(store);
    store.add = async (record) => {
      await settle();
      log.push(`add ${record.usd}`);
      return add(record);
    };
    const paid = new ScriptedLlm('paid', { costModel: { unit: 'request', usdPerUnit: 0.5 } });
    const { kit } = routerHarness([paid], {
      budgets: { perJobUsd: 3, perProvider: { paid: { dailyUsd: 5, monthlyUsd: 9 } } },
      spend: store,
      spendLedger: ledger,
    });
    await kit.router.run(chatCall({ policy: 'off' }));
    expect(log).toEqual(['hold 0.5 3,5,9', 'add 0.5', 'release 3']);
  });

  it('with a shared ledger that refuses: the call is refused naming the budget and its spend', async () => {
    const ledger: SpendLedger = {
      hold: async () => ({ admitted: false, index: 1, spentUsd: 4.8 }),
      releaseHold: async () => {},
    };
    const paid = new ScriptedLlm('paid', { costModel: { unit: 'request', usdPerUnit: 0.5 } });
    const { kit } = routerHarness([paid], {
      budgets: { perJobUsd: 3, perProvider: { paid: { dailyUsd: 5 } } },
      spend: new MemorySpendStore(),
      spendLedger: ledger,
    });
    const error = await kit.router.run(chatCall({ policy: 'off' })).catch((e: unknown) => e);
    expect(paid.calls).toHaveLength(0);
    expect((error as Error).message).toMatch(/daily budget: spent \$4\.80 of \$5\.00/);
  });

  it('with a shared ledger that fails: falls back to holds in this process', async () => {
    const logger = new MemoryLogger();
    const ledger: SpendLedger = {
      hold: async () => {
        throw new Error('ECONNREFUSED');
      },
      releaseHold: async () => {},
    };
    const paid = new ScriptedLlm('paid', { costModel: { unit: 'request', usdPerUnit: 0.5 } });
    const store = new MemorySpendStore();
    const { kit } = routerHarness([paid], {
      budgets: { perJobUsd: 0.9 },
      spend: store,
      spendLedger: ledger,
      logger,
    });
    const first = gate();
    paid.setScript(() => first.wait());
    const running = kit.router.run(chatCall({ policy: 'off' }));
    await settle();
    // The first call's hold (kept in this process) leaves no room for a second one in flight.
    await expect(kit.router.run(chatCall({ policy: 'off' }))).rejects.toMatchObject({
      category: 'quota_exceeded',
    });
    first.open();
    await running;
    expect(paid.calls).toHaveLength(1);
    expect(JSON.stringify(logger.records.map((r) => r.tag))).toContain('SPEND_LEDGER_FAILED');
  });
});
