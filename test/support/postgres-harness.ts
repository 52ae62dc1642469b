/** PostgreSQL for integration tests: `DATABASE_URL`, skipped loudly when unreachable (never on CI). */
import pg from 'pg';
import { redactDatabaseUrl } from '../../src/state/postgres/open-postgres.js';

/** The server tests use. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Null when PostgreSQL answers; otherwise prints a loud skip notice for `suite` and returns why.
 * With `CI=true` an unreachable server is an error instead.
 */
export async function pgUnreachable(suite: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const line = `PostgreSQL at ${redactDatabaseUrl(TEST_DATABASE_URL)} is unreachable (${error instanceof Error ? error.message : String(error)})`;
    if (process.env.CI === 'true') throw new Error(`${line}; CI=true requires it. Set DATABASE_URL.`);
    console.warn(`\n!!!!!!!!\n!!! SKIPPING ${suite}: ${line}.\n!!! Set DATABASE_URL to run it.\n!!!!!!!!\n`);
    return line;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops a schema a test created. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}
