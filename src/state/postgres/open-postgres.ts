import pg from 'pg';
import { ReelayError } from '../../domain/errors.js';
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './postgres-migrations.js';

/** Options of {@link openPostgres}. */
export interface OpenPostgresOptions {
  /** Schema holding Reelay's tables; created when absent. Letters, digits, `_`. @default 'public' */
  schema?: string;
  /** Largest number of pooled connections. @default 10 */
  maxConnections?: number;
  /**
   * Pooled connections kept open while idle (above this number an idle connection closes after
   * 10 s). A new connection costs a PostgreSQL backend start and cold caches on the server; a
   * worker that reconnected at every job start delayed that job's first events. @default 4
   */
  minConnections?: number;
  /** How long to wait for a connection before failing, in ms. @default 5000 */
  connectTimeoutMs?: number;
  /** Migrations to apply (tests only). @default POSTGRES_MIGRATIONS */
  migrations?: readonly PostgresMigration[];
}

/** Pooled connections kept open while idle, unless configured (see {@link OpenPostgresOptions}). */
export const DEFAULT_MIN_CONNECTIONS = 4;

/** An open, migrated PostgreSQL connection pool bound to one schema. */
export interface PostgresDatabase {
  pool: pg.Pool;
  schema: string;
  /** Ends the pool; safe to call twice. */
  close(): Promise<void>;
}

/** The URL with its password replaced, fit for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/**
 * Connects to PostgreSQL, creates the schema if needed and applies pending migrations under a
 * transaction-scoped advisory lock (so concurrent starters migrate once). Failures are a
 * `REELAY_ERR_CONFIG` naming the (password-redacted) URL.
 * @example const db = await openPostgres('postgres://reelay@db.internal:5432/reelay', { schema: 'reelay' });
 */
export async function openPostgres(
  url: string,
  options: OpenPostgresOptions = {},
): Promise<PostgresDatabase> {
  const schema = options.schema ?? 'public';
  const where = redactDatabaseUrl(url);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `The PostgreSQL schema name "${schema}" is not valid; use lower-case letters, digits and underscores.`,
      { details: { schema } },
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    min: Math.min(options.minConnections ?? DEFAULT_MIN_CONNECTIONS, options.maxConnections ?? 10),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    options: `-c search_path=${schema}`,
  });
  // Idle clients can fail (server restart); the next query reconnects, so only swallow here.
  pool.on('error', () => {});
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await pool.end();
  };
  try {
    await migrate(pool, schema, options.migrations ?? POSTGRES_MIGRATIONS);
  } catch (error) {
    await close().catch(() => {});
    if (ReelayError.isInstance(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `Cannot use the PostgreSQL database at ${where} (${reason}). Check DATABASE_URL, that the server ` +
        'is running and reachable, and that the user may create tables.',
      { cause: error, details: { url: where, schema } },
    );
  }
  return { pool, schema, close };
}

async function migrate(
  pool: pg.Pool,
  schema: string,
  migrations: readonly PostgresMigration[],
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`reelay-migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT MAX(version) AS version FROM schema_version',
    );
    const current = rows[0]?.version ?? 0;
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > latest) {
      throw new ReelayError(
        'REELAY_ERR_CONFIG',
        `The PostgreSQL schema ${schema} has Reelay schema version ${current}, newer than this Reelay (${latest}). ` +
          'Upgrade Reelay or use another schema.',
        { details: { schema, schemaVersion: current, supported: latest } },
      );
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('DELETE FROM schema_version');
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [m.version]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Opens pooled connections until `count` are open (at most the pool's maximum), each having run a
 * query, so that work started next finds them ready. Failures are ignored: queries connect on
 * demand as before.
 */
export async function openConnections(pool: pg.Pool, count: number): Promise<void> {
  const missing = Math.max(0, Math.min(count, pool.options.max ?? 10) - pool.totalCount);
  const clients = await Promise.all(
    Array.from({ length: missing }, () => pool.connect().catch(() => undefined)),
  );
  await Promise.all(clients.map((client) => client?.query('SELECT 1').catch(() => undefined)));
  for (const client of clients) client?.release();
}

/** Runs `fn` in a transaction on one pooled client; rolls back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
