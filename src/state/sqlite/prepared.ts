import type Database from 'libsql';
import type { SqliteDatabase } from './open-sqlite.js';

/** The statement methods the stores use; see {@link prepared}. */
export interface PreparedStatement {
  run(...params: unknown[]): Database.RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

type Statement = ReturnType<SqliteDatabase['prepare']>;

/**
 * At most this many statements are kept per database. The stores use a few dozen fixed SQL texts;
 * the cap only keeps a caller that builds SQL from values (a mistake) from growing the cache.
 */
export const MAX_PREPARED_PER_DATABASE = 200;

const caches = new WeakMap<SqliteDatabase, Map<string, PreparedStatement>>();

/**
 * The compiled statement for `sql` on `db`, compiled once and reused (what better-sqlite3's
 * documentation advises; libsql has the same API).
 *
 * Why: a statement compiled per call keeps its native memory (about 4 KB) until V8 collects the
 * JavaScript object that holds it, and V8 does not see that memory. Thousands of them between two
 * collections grow glibc's heap, and the freed holes stay resident (docs/memory.md). Reused, they
 * also save the compile time.
 *
 * A statement whose call throws is dropped from the cache: libsql does not reset a statement whose
 * `get` fails half-way, so the next call compiles a fresh one. Calls are synchronous and each
 * consumes its rows before returning, so one statement is never used by two calls at once.
 * @example prepared(db, 'SELECT data FROM jobs WHERE id = :id').get({ id })
 */
export function prepared(db: SqliteDatabase, sql: string): PreparedStatement {
  const cache = caches.get(db) ?? new Map<string, PreparedStatement>();
  if (cache.size === 0) caches.set(db, cache);
  const cached = cache.get(sql);
  if (cached) return cached;
  const statement = guarded(db.prepare(sql), () => cache.delete(sql));
  if (cache.size < MAX_PREPARED_PER_DATABASE) cache.set(sql, statement);
  return statement;
}

/** `statement`'s methods, calling `drop` before rethrowing an error. */
function guarded(statement: Statement, drop: () => void): PreparedStatement {
  const call =
    <T>(method: (...params: unknown[]) => T) =>
    (...params: unknown[]): T => {
      try {
        return method.apply(statement, params);
      } catch (error) {
        drop();
        throw error;
      }
    };
  return {
    run: call(statement.run as (...params: unknown[]) => Database.RunResult),
    get: call(statement.get as (...params: unknown[]) => unknown),
    all: call(statement.all as (...params: unknown[]) => unknown[]),
  };
}
