import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryRouterState } from '../../src/state/memory/memory-router-state.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import type { PendingDecisionStore, SpendStore } from '../../src/state/router-state.js';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';

const DAY = Date.UTC(2026, 4, 1);

/** The behaviour every spend and pending-decision store shares. */
function routerStateContract(open: () => Promise<{ spend: SpendStore; pending: PendingDecisionStore }>) {
  it('sums spend per job, per provider and since a time', async () => {
    const { spend } = await open();
    await spend.add({ provider: 'openai', jobId: 'j1', usd: 0.25, at: DAY - 1 });
    await spend.add({ provider: 'openai', jobId: 'j2', usd: 0.5, at: DAY + 10 });
    await spend.add({ provider: 'eleven', usd: 2, at: DAY + 20 });
    expect(await spend.total({ provider: 'openai' })).toBeCloseTo(0.75, 9);
    expect(await spend.total({ provider: 'openai', sinceMs: DAY })).toBeCloseTo(0.5, 9);
    expect(await spend.total({ jobId: 'j1' })).toBeCloseTo(0.25, 9);
    expect(await spend.total({ provider: 'none' })).toBe(0);
  });

  it('keeps one pending decision per job and removes it only by its id', async () => {
    const { pending } = await open();
    const base = { jobId: 'j1', requestedAt: '2026-05-01T09:00:00.000Z' };
    await pending.put({ ...base, decisionId: 'd1', data: { provider: 'openai', trigger: 'stall' } });
    await pending.put({ ...base, decisionId: 'd2', data: { provider: 'openai', trigger: 'error' } });
    expect(await pending.get('j1')).toEqual({
      ...base,
      decisionId: 'd2',
      data: { provider: 'openai', trigger: 'error' },
    });
    await pending.remove('j1', 'd1');
    expect((await pending.list()).map((d) => d.decisionId)).toEqual(['d2']);
    await pending.remove('j1', 'd2');
    expect(await pending.get('j1')).toBeUndefined();
  });
}

describe('router state in memory', () => {
  routerStateContract(async () => {
    const s = createMemoryRouterState();
    return { spend: s.spend, pending: s.pendingDecisions };
  });
});

describe('router state in SQLite', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const file = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'reelay-router-state-'));
    dirs.push(dir);
    return join(dir, 'reelay.db');
  };
  routerStateContract(async () => {
    const stores = createSqliteStores(file());
    return { spend: stores.spend!, pending: stores.pendingDecisions! };
  });

  it('spend and pending decisions survive a restart', async () => {
    const path = file();
    const before = createSqliteStores(path);
    await before.spend?.add({ provider: 'openai', usd: 1, at: DAY });
    await before.pendingDecisions?.put({ jobId: 'j1', decisionId: 'd1', requestedAt: 'x', data: {} });
    await before.close();
    const after = createSqliteStores(path);
    expect(await after.spend?.total({ provider: 'openai' })).toBe(1);
    expect((await after.pendingDecisions?.get('j1'))?.decisionId).toBe('d1');
    await after.close();
  });
});

const url = TEST_DATABASE_URL;
const schema = `reelay_rs_${process.pid}_${Date.now().toString(36)}`;
const reachable = (await pgUnreachable('the PostgreSQL router-state tests')) === null;

describe.skipIf(!reachable)('router state in PostgreSQL', () => {
  const opened: Array<{ close(): Promise<void> }> = [];
  afterAll(async () => {
    for (const s of opened) await s.close();
    for (let i = 0; i < n; i++) await dropSchema(`${schema}_${i}`);
  });
  let n = 0;
  routerStateContract(async () => {
    const stores = await createPostgresStores(url, { schema: `${schema}_${n++}` });
    opened.push(stores);
    return { spend: stores.spend!, pending: stores.pendingDecisions! };
  });
});
