import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReelayError } from '../../domain/errors.js';
import type { ReelayEvent } from '../../domain/events.js';
import { createJobRecord } from '../../domain/job-record.js';
import { openSqlite, schemaVersion } from './open-sqlite.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteRouterState } from './sqlite-router-state-tier.js';
import { createSqliteStores } from './sqlite-stores.js';

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const clock = { now: () => T0, setTimeout: () => 0 as never, clearTimeout: () => {} };
const job = (id: string) =>
  createJobRecord(
    { id, correlationId: `c-${id}`, request: { brief: 'b' }, fallbackPolicy: 'off' },
    { clock },
  );
const event = (jobId: string, n: number): ReelayEvent => ({
  type: 'progress',
  jobId,
  timestamp: '2025-01-01T00:00:00.000Z',
  percentage: n,
  stage: 'script',
  message: 'm',
});

function configError(fn: () => unknown): ReelayError {
  try {
    fn();
  } catch (error) {
    expect(ReelayError.isInstance(error)).toBe(true);
    expect((error as ReelayError).code).toBe('REELAY_ERR_CONFIG');
    return error as ReelayError;
  }
  throw new Error('expected REELAY_ERR_CONFIG');
}

describe('SQLite stores on disk', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reelay-sqlite-'));
    file = join(dir, 'nested', 'reelay.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory, uses WAL and a busy timeout, and records the latest schema version', async () => {
    const stores = createSqliteStores(file, { busyTimeoutMs: 1234 });
    expect(existsSync(file)).toBe(true);
    expect(stores.db.pragma('journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    expect(stores.db.pragma('busy_timeout')).toEqual([{ timeout: 1234 }]);
    expect(schemaVersion(stores.db)).toBe(SQLITE_MIGRATIONS.length);
    await stores.close();
    await stores.close();
  });

  it('commits without fsync by default (WAL, synchronous NORMAL = 1); `full` sets FULL (2)', async () => {
    const normal = createSqliteStores(file);
    expect(normal.db.pragma('synchronous')).toEqual([{ synchronous: 1 }]);
    await normal.close();
    const full = createSqliteStores(file, { synchronous: 'full' });
    expect(full.db.pragma('synchronous')).toEqual([{ synchronous: 2 }]);
    await full.close();
  });

  it('router-state.db follows the same setting (NORMAL by default, FULL when asked)', () => {
    const normal = new SqliteRouterState(join(file, '..', 'router-normal.db'));
    expect(normal.synchronousLevel()).toBe(1);
    normal.close();
    const full = new SqliteRouterState(join(file, '..', 'router-full.db'), 'full');
    expect(full.synchronousLevel()).toBe(2);
    full.close();
  });

  it('keeps everything across close and reopen, and event ids continue', async () => {
    const a = createSqliteStores(file, { clock });
    await a.jobs.create(job('j1'));
    await a.jobs.claim('w1', 1000, T0);
    await a.checkpoints.put({
      jobId: 'j1',
      stepId: 'script',
      artifactPath: '/a/script.json',
      sha256: 'ff'.repeat(32),
      sizeBytes: 12,
      meta: { scenes: 3 },
      completedAt: '2025-01-01T00:00:01.000Z',
    });
    await a.jobLogs.append('j1', {
      level: 'info',
      message: 'script done',
      timestamp: '2025-01-01T00:00:01.000Z',
    });
    await a.events.append(event('j1', 1));
    await a.events.append(event('j1', 2));
    await a.audit.record({
      id: 'd1',
      jobId: 'j1',
      fromProvider: 'openai',
      toProvider: 'ollama',
      reason: 'AUTO_AFTER_ERROR',
      elapsedBeforeSwitchMs: 10,
      userConfirmed: false,
      stages: [],
      correlationId: 'c-j1',
      timestamp: '2025-01-01T00:00:02.000Z',
      context: 'openai returned 500 twice',
    });
    await a.close();

    const b = createSqliteStores(file, { clock });
    expect(schemaVersion(b.db)).toBe(SQLITE_MIGRATIONS.length);
    expect(await b.jobs.get('j1')).toMatchObject({ status: 'running', attempts: 1, lease: { owner: 'w1' } });
    expect((await b.checkpoints.get('j1', 'script'))?.meta).toEqual({ scenes: 3 });
    expect((await b.jobLogs.read('j1')).map((e) => e.message)).toEqual(['script done']);
    expect((await b.events.append(event('j1', 3))).id).toBe(3);
    expect((await b.audit.history('j1')).map((d) => d.context)).toEqual(['openai returned 500 twice']);
    await b.close();
  });

  it('shares one file between two connections without duplicate ids, double claims or lost updates', async () => {
    const a = createSqliteStores(file, { clock });
    const b = createSqliteStores(file, { clock });
    const ids = await Promise.all([1, 2, 3, 4].map((n) => (n % 2 ? a : b).events.append(event('j', n))));
    expect(ids.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(await a.events.lastId('j')).toBe(4);

    await a.jobs.create(job('j1'));
    const claims = await Promise.all([a.jobs.claim('wa', 1000, T0), b.jobs.claim('wb', 1000, T0)]);
    expect(claims.filter((c) => c !== null)).toHaveLength(1);

    let calls = 0;
    await a.jobs.update('j1', (r) => {
      calls += 1;
      if (calls === 1) void b.jobs.update('j1', (x) => ({ ...x, artifacts: [...x.artifacts, 'from-b'] }));
      return { ...r, artifacts: [...r.artifacts, 'from-a'] };
    });
    expect(calls).toBe(2);
    expect((await b.jobs.get('j1'))?.artifacts).toEqual(['from-b', 'from-a']);
    await a.close();
    await b.close();
  });

  it('delivers live events only through the instance that appended them, isolating bad listeners', async () => {
    const errors: unknown[] = [];
    const a = createSqliteStores(file, { onListenerError: (e) => errors.push(e) });
    const b = createSqliteStores(file);
    const seenA: number[] = [];
    const seenB: number[] = [];
    a.events.subscribe('j', () => {
      throw new Error('bad listener');
    });
    a.events.subscribe('j', (e) => seenA.push(e.id));
    b.events.subscribe('j', (e) => seenB.push(e.id));
    await a.events.append(event('j', 1));
    expect(seenA).toEqual([1]);
    expect(seenB).toEqual([]);
    expect(errors).toHaveLength(1);
    expect((await b.events.read('j')).map((e) => e.id)).toEqual([1]);
    await a.close();
    await b.close();
  });

  it('reports a corrupt file as REELAY_ERR_CONFIG naming the file', () => {
    mkdirSync(join(dir, 'nested'));
    writeFileSync(file, 'this is not a database '.repeat(200));
    const err = configError(() => openSqlite(file));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/not a SQLite database or is corrupt/);
    expect(err.details).toMatchObject({ path: file });
  });

  it('reports a path that cannot be opened (a directory) as REELAY_ERR_CONFIG naming it', () => {
    mkdirSync(file, { recursive: true });
    const err = configError(() => openSqlite(file));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/writable directory/);
  });

  it('refuses a file whose schema is newer than this code', () => {
    openSqlite(file).close();
    const db = openSqlite(file);
    db.prepare('UPDATE schema_version SET version = 99').run();
    db.close();
    const err = configError(() => openSqlite(file));
    expect(err.message).toContain(`schema version 99, newer than this Reelay (${SQLITE_MIGRATIONS.length})`);
  });

  it('applies migrations all or nothing', () => {
    const migrations = [
      { version: 1, description: 'ok', sql: 'CREATE TABLE one (x INTEGER)' },
      { version: 2, description: 'broken', sql: 'CREATE TABLE two (' },
    ];
    configError(() => openSqlite(file, { migrations }));
    const db = openSqlite(file, { migrations: [] });
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'one'").all()).toEqual([]);
    db.close();
    const fixed = openSqlite(file, { migrations: migrations.slice(0, 1) });
    expect(schemaVersion(fixed)).toBe(1);
    fixed.close();
  });
});
