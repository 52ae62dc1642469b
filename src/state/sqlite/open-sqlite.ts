import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'libsql';
import { ReelayError } from '../../domain/errors.js';
import { SQLITE_MIGRATIONS, type SqliteMigration } from './sqlite-migrations.js';

/** An open libsql (better-sqlite3-compatible, synchronous) database. */
export type SqliteDatabase = Database.Database;

/** Where the embedded database lives unless configured otherwise. */
export const DEFAULT_SQLITE_PATH = './data/reelay.db';

/** Options of {@link openSqlite}. */
export interface OpenSqliteOptions {
  /** How long a write waits for another connection's lock before failing. @default 5000 */
  busyTimeoutMs?: number;
  /**
   * When a commit is flushed to disk (`PRAGMA synchronous`). `normal`: in WAL mode, commits survive
   * a crash or `kill -9` of any process but the last ones may roll back on power loss or an OS
   * crash; commits do not wait for the disk, which (the API being synchronous) would otherwise stall
   * the process's event loop. `full`: every commit is fsynced before it returns (survives power
   * loss too). @default 'normal'
   */
  synchronous?: 'full' | 'normal';
  /** Migrations to apply (tests only). @default SQLITE_MIGRATIONS */
  migrations?: readonly SqliteMigration[];
}

function configError(path: string, error: unknown): ReelayError {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const reason = error instanceof Error ? error.message : String(error);
  const advice =
    code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')
      ? 'The file is not a SQLite database or is corrupt: move it aside so Reelay creates a new one, or restore a backup.'
      : 'Check that the path names a file in a writable directory and that no other program holds it locked.';
  return new ReelayError(
    'REELAY_ERR_CONFIG',
    `Cannot open the Reelay database ${path} (${reason}). ${advice}`,
    {
      cause: error,
      details: { path, sqliteCode: code || undefined },
    },
  );
}

/** Applies the migrations newer than the file's `schema_version`, atomically. */
function migrate(db: SqliteDatabase, path: string, migrations: readonly SqliteMigration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  // IMMEDIATE takes the write lock first, so two processes opening a new file migrate once.
  db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as
      | { version: number | null }
      | undefined;
    const current = row?.version ?? 0;
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > latest) {
      throw new ReelayError(
        'REELAY_ERR_CONFIG',
        `The Reelay database ${path} has schema version ${current}, newer than this Reelay (${latest}). ` +
          'Upgrade Reelay or point it at another data directory.',
        { details: { path, schemaVersion: current, supported: latest } },
      );
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('DELETE FROM schema_version').run();
      db.prepare('INSERT INTO schema_version (version) VALUES (:version)').run({ version: m.version });
    }
  }).immediate();
}

/**
 * Opens (creating when absent, with its directory) the SQLite file at `path` in WAL mode with a
 * busy timeout, and brings its schema up to date. Any failure — unreadable, corrupt, not a
 * database, newer schema — is a `REELAY_ERR_CONFIG` naming the file and what to do.
 * @example const db = openSqlite('./data/reelay.db');
 */
export function openSqlite(
  path: string = DEFAULT_SQLITE_PATH,
  options: OpenSqliteOptions = {},
): SqliteDatabase {
  const file = path === ':memory:' ? path : resolve(path);
  let db: SqliteDatabase | undefined;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    migrate(db, file, options.migrations ?? SQLITE_MIGRATIONS);
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Closing a half-open handle can fail too; the original error is the one to report.
    }
    if (ReelayError.isInstance(error) && error.code === 'REELAY_ERR_CONFIG') throw error;
    throw configError(file, error);
  }
}

/** The schema version of an open database (0 when never migrated). */
export function schemaVersion(db: SqliteDatabase): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as
    | { version: number | null }
    | undefined;
  return row?.version ?? 0;
}
