import type { DurableStateTier, StateKind, VersionedEntry } from '../tiers/state-kind.js';
import type { RouterStateSnapshot, SnapshotStore } from '../tiers/state-snapshots.js';
import { openSqlite, type SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';
import type { SqliteMigration } from './sqlite-migrations.js';

/** Schema of the router-state file (kept apart from the job database: it has its own life cycle). */
export const ROUTER_STATE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'router state entries and snapshots',
    sql: `
      CREATE TABLE router_state (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      );
      CREATE TABLE router_state_snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        taken_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX router_state_snapshots_taken ON router_state_snapshots (taken_at);
    `,
  },
];

/**
 * The durable tier of the router state on an embedded SQLite file: the latest entry per key
 * (written while Redis is unreachable) and the periodic snapshots restored on a cold start.
 */
export class SqliteRouterState implements DurableStateTier, SnapshotStore {
  private readonly db: SqliteDatabase;

  /**
   * Opens (creating) the file at `path`.
   * @param synchronous when commits reach the disk (`REELAY_SQLITE_SYNC`). @default 'normal'
   */
  constructor(path: string, synchronous?: 'full' | 'normal') {
    this.db = openSqlite(path, {
      migrations: ROUTER_STATE_MIGRATIONS,
      ...(synchronous ? { synchronous } : {}),
    });
  }

  /** The file's `PRAGMA synchronous` (1 = NORMAL, 2 = FULL). */
  synchronousLevel(): number {
    return (this.db.pragma('synchronous') as Array<{ synchronous: number }>)[0]?.synchronous ?? 0;
  }

  async get(kind: StateKind, key: string): Promise<VersionedEntry | null> {
    const row = prepared(
      this.db,
      'SELECT value, version, updated_at FROM router_state WHERE kind = ? AND key = ?',
    ).get(kind, key) as { value: string; version: number; updated_at: number } | undefined;
    return row ? { value: row.value, version: row.version, updatedAt: row.updated_at } : null;
  }

  async put(kind: StateKind, key: string, entry: VersionedEntry): Promise<void> {
    prepared(
      this.db,
      `INSERT INTO router_state (kind, key, value, version, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, key) DO UPDATE SET value = excluded.value, version = excluded.version,
           updated_at = excluded.updated_at WHERE excluded.version >= router_state.version`,
    ).run(kind, key, entry.value, entry.version, entry.updatedAt);
  }

  async ping(): Promise<number> {
    const started = performance.now();
    prepared(this.db, 'SELECT 1').get();
    return performance.now() - started;
  }

  async save(snapshot: RouterStateSnapshot): Promise<void> {
    prepared(this.db, 'INSERT INTO router_state_snapshots (taken_at, body) VALUES (?, ?)').run(
      snapshot.takenAt,
      JSON.stringify(snapshot),
    );
  }

  async latest(): Promise<RouterStateSnapshot | null> {
    const row = prepared(
      this.db,
      'SELECT body FROM router_state_snapshots ORDER BY taken_at DESC, id DESC LIMIT 1',
    ).get() as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as RouterStateSnapshot) : null;
  }

  async pruneBefore(takenAt: number): Promise<number> {
    return Number(
      prepared(this.db, 'DELETE FROM router_state_snapshots WHERE taken_at < ?').run(takenAt).changes,
    );
  }

  /** Closes the file. */
  close(): void {
    this.db.close();
  }
}
