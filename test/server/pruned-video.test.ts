import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobPruner } from '../../src/jobs/job-pruner.js';
import { makeTestVideo } from '../support/fake-reelay-service.js';
import { expectProblem, manualClock, setup, VALID_REQUEST } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-pruned-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('a video deleted by retention', () => {
  it('keeps the job; status says so, download, metadata and thumbnail answer 410 Gone', async () => {
    const clock = manualClock();
    const { app, service } = setup({ clock });
    try {
      const videos = join(dir, 'videos');
      await mkdir(videos, { recursive: true });
      const made = await makeTestVideo(dir);
      const job = await service.submit(VALID_REQUEST);
      const path = join(videos, `video-${job.id}.mp4`);
      await copyFile(made, path);
      await service.start(job.id);
      await service.finish(job.id, path);
      expect((await app.inject({ url: `/api/video/${job.id}/download` })).statusCode).toBe(200);

      const pruner = new JobPruner({
        jobs: service.jobs,
        dataDir: dir,
        clock,
        workFilesMs: null,
        videosMs: 86_400_000,
      });
      clock.advance(86_400_000);
      const report = await pruner.prune();
      expect(report.items.map((i) => i.kind)).toEqual(['video']);
      expect(existsSync(path)).toBe(false);

      const status = (await app.inject({ url: `/api/video/${job.id}/status` })).json();
      expect(status).toMatchObject({
        status: 'completed',
        videoUrl: null,
        videoPrunedAt: expect.any(String),
      });
      expect(status.message).toContain('deleted by the retention policy');
      for (const what of ['download', 'metadata', 'thumbnail']) {
        const res = await app.inject({ url: `/api/video/${job.id}/${what}` });
        const body = expectProblem(res, 410, 'REELAY_ERR_GONE');
        expect(body.detail).toContain('retention');
        expect(body.detail).not.toContain(dir);
      }
    } finally {
      await app.close();
    }
  });
});
