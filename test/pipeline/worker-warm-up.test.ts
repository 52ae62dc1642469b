/**
 * A worker detects FFmpeg when it starts, not in its first job's pre-flight: the probes' spawns
 * block the event loop, which there held back the job's first events. It also starts its spawn
 * helper and warms its stores (database connections) before it takes a job; an API-only instance
 * does neither.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeFfmpeg, fakeFfmpeg } from '../../src/providers/media/fake-ffmpeg-test-harness.js';
import { sharedSpawnHelper } from '../../src/providers/media/spawn-helper.js';
import { createSqliteStores } from '../../src/state/sqlite/sqlite-stores.js';
import { removeDir, startReelay, tempDir } from '../support/pipeline-harness.js';

let fake: FakeFfmpeg;
let dir: string;
beforeAll(async () => {
  fake = await fakeFfmpeg();
  dir = await tempDir();
});
afterAll(async () => {
  await fake.remove();
  await removeDir(dir);
});

const calls = async (): Promise<string[]> =>
  (await readFile(fake.log, 'utf8').catch(() => '')).split('\n').filter(Boolean);

describe('worker start', () => {
  it('an API-only instance runs no FFmpeg probe', async () => {
    const reelay = await startReelay(dir, { env: { REELAY_FFMPEG_PATH: fake.ffmpeg }, worker: false });
    await reelay.close();
    expect(await calls()).toEqual([]);
  });

  it('a worker has detected FFmpeg (and FFprobe) before it takes a job', async () => {
    const reelay = await startReelay(dir, { env: { REELAY_FFMPEG_PATH: fake.ffmpeg }, worker: true });
    const seen = await calls();
    await reelay.close();
    expect(seen).toHaveLength(4);
    expect(seen.filter((c) => c.startsWith(fake.ffprobe))).toEqual([`${fake.ffprobe} -version`]);
  });

  it('a worker warms its stores and starts its spawn helper before it takes a job; REELAY_SPAWN_HELPER=off keeps spawns in-process', async () => {
    const warmed: string[] = [];
    const stores = (name: string) => {
      const inner = createSqliteStores(`${dir}/${name}.db`);
      return { ...inner, warmUp: async () => void warmed.push(name) };
    };
    const api = await startReelay(dir, { stores: stores('api'), worker: false });
    expect(sharedSpawnHelper()).toBeUndefined();
    await api.close();
    const worker = await startReelay(dir, { stores: stores('worker'), worker: true });
    const helperPid = sharedSpawnHelper()?.pid;
    await worker.close();
    expect(warmed).toEqual(['worker']);
    expect(helperPid).toBeGreaterThan(0);
    expect(sharedSpawnHelper()).toBeUndefined();
    const off = await startReelay(dir, { env: { REELAY_SPAWN_HELPER: 'off' }, worker: true });
    expect(sharedSpawnHelper()).toBeUndefined();
    await off.close();
  });
});
