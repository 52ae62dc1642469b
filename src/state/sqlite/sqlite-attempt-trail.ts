import { redactDeep } from '../../domain/redact.js';
import type { AttemptTrail, UpstreamAttemptRecord } from '../attempt-trail.js';
import type { SqliteDatabase } from './open-sqlite.js';
import { prepared } from './prepared.js';

/**
 * {@link AttemptTrail} on the embedded SQLite file: one row per attempt (the record as JSON), a
 * batch appended in one transaction. Survives restarts; any process on the file reads it.
 */
export class SqliteAttemptTrail implements AttemptTrail {
  constructor(private readonly db: SqliteDatabase) {}

  async append(records: readonly UpstreamAttemptRecord[]): Promise<void> {
    if (records.length === 0) return;
    const insert = prepared(
      this.db,
      'INSERT INTO upstream_attempts (audit_key, started_at, data) VALUES (:key, :startedAt, :data)',
    );
    this.db.transaction(() => {
      for (const raw of records) {
        // Reasons may quote provider errors: credentials inside URLs are removed before storing.
        const r = redactDeep(raw);
        insert.run({ key: r.key, startedAt: Date.parse(r.startedAt) || 0, data: JSON.stringify(r) });
      }
    })();
  }

  async history(key: string): Promise<UpstreamAttemptRecord[]> {
    const rows = prepared(
      this.db,
      'SELECT data FROM upstream_attempts WHERE audit_key = :key ORDER BY seq',
    ).all({ key }) as Array<{ data: string }>;
    return rows.map((r) => JSON.parse(r.data) as UpstreamAttemptRecord);
  }

  async prune(startedBefore: number): Promise<number> {
    const result = prepared(this.db, 'DELETE FROM upstream_attempts WHERE started_at < :before').run({
      before: startedBefore,
    });
    return Number(result.changes);
  }
}
