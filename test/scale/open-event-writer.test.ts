/**
 * When a process writes job events on the writer thread: only a worker on PostgreSQL and Redis
 * whose stores were not given, unless `REELAY_EVENT_WRITER=main`; a thread that cannot start is
 * logged and the process writes on its main thread.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/app-config.js';
import type { Logger } from '../../src/domain/logger.js';
import { openEventWriter } from '../../src/jobs/open-event-writer.js';
import { ThreadedEventWriter } from '../../src/jobs/threaded-event-writer.js';
import { pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';
import { redisUnavailable, TEST_REDIS_URL } from '../support/redis-harness.js';

const skip =
  (await pgUnreachable('the event writer choice tests')) !== null ||
  (await redisUnavailable('the event writer choice tests')) !== null;

const config = (env: NodeJS.ProcessEnv) => loadConfig(env, mkdtempSync(join(tmpdir(), 'reelay-writer-')));
const both = { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL };
const warnings: string[] = [];
const logger = {
  debug: () => {},
  info: () => {},
  warn: (fields: { tag?: string }) => warnings.push(fields.tag ?? ''),
  error: () => {},
  child: () => logger,
} as unknown as Logger;
const use = { worker: true, givenStores: false };

describe.skipIf(skip)('openEventWriter', () => {
  it('starts the thread for a worker on PostgreSQL and Redis, and not otherwise', async () => {
    const writer = await openEventWriter(config(both), use, logger);
    expect(writer).toBeInstanceOf(ThreadedEventWriter);
    await writer?.close();
    expect(
      await openEventWriter(config(both), { worker: false, givenStores: false }, logger),
    ).toBeUndefined();
    expect(await openEventWriter(config(both), { worker: true, givenStores: true }, logger)).toBeUndefined();
    expect(
      await openEventWriter(config({ ...both, REELAY_EVENT_WRITER: 'main' }), use, logger),
    ).toBeUndefined();
    expect(await openEventWriter(config({ REDIS_URL: TEST_REDIS_URL }), use, logger)).toBeUndefined();
    expect(await openEventWriter(config({ DATABASE_URL: TEST_DATABASE_URL }), use, logger)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('a thread that cannot start: logged, and the process writes on its main thread', async () => {
    const writer = await openEventWriter(
      config({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', REDIS_URL: TEST_REDIS_URL }),
      use,
      logger,
    );
    expect(writer).toBeUndefined();
    expect(warnings).toEqual(['EVENT_WRITER_UNAVAILABLE']);
  });
});
