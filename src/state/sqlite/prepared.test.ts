import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReelayEvent } from '../../domain/events.js';
import { createJobRecord } from '../../domain/job-record.js';
import { openSqlite, type SqliteDatabase } from './open-sqlite.js';
import { MAX_PREPARED_PER_DATABASE, prepared } from './prepared.js';
import { createSqliteStores } from './sqlite-stores.js';

const clock = { now: () => 0, setTimeout: () => 0 as never, clearTimeout: () => {} };

describe('prepared', () => {
  let db: SqliteDatabase;
  beforeEach(() => {
    db = openSqlite(':memory:', { migrations: [] });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  });
  afterEach(() => db.close());

  it('compiles a SQL text once per database and answers each call with its own parameters', () => {
    const spy = vi.spyOn(db, 'prepare');
    prepared(db, 'INSERT INTO t (id, name) VALUES (:id, :name)').run({ id: 1, name: 'one' });
    prepared(db, 'INSERT INTO t (id, name) VALUES (:id, :name)').run({ id: 2, name: 'two' });
    const byId = (id: number) =>
      (prepared(db, 'SELECT name FROM t WHERE id = ?').get(id) as { name: string } | undefined)?.name;
    expect(byId(1)).toBe('one');
    expect(byId(2)).toBe('two');
    expect(byId(3)).toBeUndefined();
    expect(prepared(db, 'SELECT name FROM t ORDER BY id').all()).toEqual([{ name: 'one' }, { name: 'two' }]);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(prepared(db, 'SELECT 1')).toBe(prepared(db, 'SELECT 1'));

    const other = openSqlite(':memory:', { migrations: [] });
    expect(prepared(other, 'SELECT 1')).not.toBe(prepared(db, 'SELECT 1'));
    other.close();
  });

  it('drops a statement whose call threw, and the next call works', () => {
    const insert = (id: number) =>
      prepared(db, 'INSERT INTO t (id, name) VALUES (:id, :name)').run({ id, name: 'x' });
    insert(1);
    const before = prepared(db, 'INSERT INTO t (id, name) VALUES (:id, :name)');
    expect(() => insert(1)).toThrow(/UNIQUE/);
    expect(prepared(db, 'INSERT INTO t (id, name) VALUES (:id, :name)')).not.toBe(before);
    expect(insert(2).changes).toBe(1);
  });

  it('stops caching new texts once a database has the maximum', () => {
    for (let i = 0; i < MAX_PREPARED_PER_DATABASE; i++) prepared(db, `SELECT ${i}`);
    expect(prepared(db, 'SELECT 0')).toBe(prepared(db, 'SELECT 0'));
    const extra = prepared(db, 'SELECT -1');
    expect(extra.get()).toMatchObject({ '-1': -1 });
    expect(prepared(db, 'SELECT -1')).not.toBe(extra);
  });

  it('keeps the stores from compiling a statement per call', async () => {
    const stores = createSqliteStores(':memory:');
    const spy = vi.spyOn(stores.db, 'prepare');
    for (let i = 0; i < 50; i++) {
      const id = `job-${i}`;
      await stores.jobs.create(
        createJobRecord({ id, correlationId: id, request: { brief: 'b' }, fallbackPolicy: 'off' }, { clock }),
      );
      await stores.jobs.get(id);
      const event: ReelayEvent = {
        type: 'progress',
        jobId: id,
        timestamp: '2025-01-01T00:00:00.000Z',
        percentage: 1,
        stage: 'script',
        message: 'm',
      };
      await stores.events.append(event);
      await stores.events.read(id);
      await stores.jobs.list({ limit: 5 });
    }
    // create, get, next id, insert event, read events, list: six texts, whatever the number of jobs.
    expect(spy.mock.calls.length).toBe(6);
    await stores.close();
  });
});
