import { randomInt } from 'node:crypto';
import type pg from 'pg';

/**
 * First key of every Reelay worker's advisory lock (`pg_advisory_lock(int, int)`), "Reel" in
 * ASCII; the second key is the worker's session key.
 */
export const WORKER_LOCK_NAMESPACE = 0x5265656c;

/**
 * Worker liveness through the database session: a worker that takes jobs holds one session-level
 * advisory lock `(WORKER_LOCK_NAMESPACE, key)` on a dedicated connection for as long as it lives.
 * When the process dies (even by `kill -9`) the server ends its session and the lock is gone at
 * once, which any other worker sees in `pg_locks` — no heartbeat writes, no extra queries.
 * If the connection drops while the worker lives, a new key is taken; the jobs leased under the
 * old key look orphaned and another worker takes them over, and this worker notices at its next
 * lease renewal (as when a lease lapses).
 */
export class PostgresSessionLock {
  private client: pg.PoolClient | undefined;
  private key: number | undefined;
  private pending: Promise<number | undefined> | undefined;
  private closed = false;

  constructor(private readonly pool: pg.Pool) {}

  /** The key this process holds (taking it on first use); undefined when it cannot be taken. */
  async sessionKey(): Promise<number | undefined> {
    if (this.closed) return undefined;
    if (this.client !== undefined && this.key !== undefined) return this.key;
    this.pending ??= this.take().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Ends the session (its lock with it); safe to call twice. */
  release(): void {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    this.key = undefined;
    // Destroying the connection ends the session, which frees the lock without a round trip.
    client?.release(true);
  }

  private async take(): Promise<number | undefined> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch {
      return undefined;
    }
    try {
      for (let tries = 0; tries < 5; tries += 1) {
        const key = randomInt(1, 2 ** 31 - 1);
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
          WORKER_LOCK_NAMESPACE,
          key,
        ]);
        if (rows[0]?.ok) {
          if (this.closed) {
            client.release(true);
            return undefined;
          }
          client.on('error', () => this.lost(client));
          this.client = client;
          this.key = key;
          return key;
        }
      }
      client.release();
      return undefined;
    } catch {
      client.release(true);
      return undefined;
    }
  }

  private lost(client: pg.PoolClient): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.key = undefined;
    client.release(true);
  }
}

/**
 * SQL condition, over a `jobs` row, true when the row's lease names a session key whose
 * advisory lock nobody holds any more in this database: the worker behind it is gone.
 */
export const HOLDER_SESSION_ENDED = `(
  (data->'lease'->'holder'->>'session') IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint = ${WORKER_LOCK_NAMESPACE}
      AND l.objid::bigint = (data->'lease'->'holder'->>'session')::bigint
  )
)`;
