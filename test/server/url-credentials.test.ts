/**
 * Credentials inside a provider URL (`http://user:password@host`, `?api_key=`) never leave the
 * process: not in /api/providers, job errors, events, job logs, the audit trail, the process log
 * or the database file.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config/logger.js';
import type { Logger } from '../../src/domain/logger.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { createServer } from '../../src/server/create-server.js';
import { removeDir, smallRequest, startReelay, tempDir, waitForEvent } from '../support/pipeline-harness.js';

const PASSWORD = 'hunter22pw';
const QUERY_KEY = 'qk9876543210';

async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 1;
}

/** The production logger (pino), writing into `lines`. */
function recordingLogger(lines: string[]): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return createLogger({ level: 'debug', destination });
}

describe('credentials in provider URLs', () => {
  let dir: string;
  let reelay: Reelay | undefined;
  afterEach(async () => {
    await reelay?.close();
    reelay = undefined;
    await removeDir(dir);
  });

  it('are redacted from the providers list, job errors, events, logs and the database', async () => {
    dir = await tempDir('reelay-urlcreds-');
    const port = await closedPort();
    const baseUrl = `http://bob:${PASSWORD}@127.0.0.1:${port}/?api_key=${QUERY_KEY}`;
    await writeFile(
      join(dir, 'reelay.config.json'),
      JSON.stringify({ providers: { ollama: { baseUrl, model: 'm' } } }),
    );
    const lines: string[] = [];
    reelay = await startReelay(dir, {
      networked: true,
      logger: recordingLogger(lines),
      env: { REELAY_CONFIG: join(dir, 'reelay.config.json') },
    });
    const app = createServer({ service: reelay.service });
    await reelay.kit.health.checkNow('ollama');
    const submitted = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: { ...smallRequest(), providers: { llm: 'ollama' }, fallbackPolicy: 'off' },
    });
    expect(submitted.statusCode, submitted.body).toBe(202);
    const { jobId } = submitted.json() as { jobId: string };
    await waitForEvent(reelay.service, jobId, (e) => e.type === 'error', 'the error event', 30_000);
    await reelay.sink.flush(jobId);

    const status = await app.inject({ method: 'GET', url: `/api/video/${jobId}/status` });
    const providers = await app.inject({ method: 'GET', url: '/api/providers' });
    const events = JSON.stringify(await reelay.service.readEvents(jobId));
    const logs = JSON.stringify(await reelay.stores.jobLogs.read(jobId));
    const audit = JSON.stringify(await reelay.service.decisions(jobId));
    expect(status.json()).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(status.json())).toContain('127.0.0.1');
    for (const text of [status.body, providers.body, events, logs, audit, lines.join('\n')]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(QUERY_KEY);
    }
    await app.close();
    await reelay.close();
    reelay = undefined;
    for (const file of (await readdir(dir)).filter((f) => f.startsWith('reelay.db'))) {
      // The WAL's shared-memory file may disappear while listing (the last connection closed).
      const bytes = await readFile(join(dir, file), 'latin1').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return '';
        throw error;
      });
      expect(bytes, file).not.toContain(PASSWORD);
      expect(bytes, file).not.toContain(QUERY_KEY);
    }
  }, 60_000);
});
