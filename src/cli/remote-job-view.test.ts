import { describe, expect, it } from 'vitest';
import type { JobStatusView } from '../server/api-types.js';
import { apiStatusOf, jobRecordFromView } from './remote-job-view.js';

const view: JobStatusView = {
  jobId: 'job_1',
  status: 'completed',
  percent: 100,
  stage: 'post',
  message: 'Finished',
  etaSeconds: 0,
  fallbackPolicy: 'ask',
  attempts: 1,
  steps: [],
  error: null,
  output: { durationSeconds: 7.3, sizeBytes: 1000, width: 320, height: 240 },
  videoUrl: '/api/video/job_1/download',
  correlationId: 'corr_1',
  createdAt: '2026-05-01T09:00:00.000Z',
  startedAt: '2026-05-01T09:00:01.000Z',
  finishedAt: '2026-05-01T09:00:09.000Z',
  links: {
    self: '/api/video/job_1/status',
    stream: '/api/video/job_1/stream',
    download: '/api/video/job_1/download',
    metadata: '/api/video/job_1/metadata',
    cancel: '/api/video/job_1/cancel',
    decisions: '/api/jobs/job_1/decisions',
  },
};

describe('jobRecordFromView', () => {
  it('maps the API view to a job record; the output path is the absolute download URL', () => {
    expect(jobRecordFromView(view, 'http://h:8080/')).toEqual({
      id: 'job_1',
      status: 'done',
      request: {},
      correlationId: 'corr_1',
      fallbackPolicy: 'ask',
      progress: 100,
      stage: 'post',
      message: 'Finished',
      etaSeconds: 0,
      error: null,
      output: {
        path: 'http://h:8080/api/video/job_1/download',
        durationSeconds: 7.3,
        sizeBytes: 1000,
        width: 320,
        height: 240,
      },
      artifacts: [],
      attempts: 1,
      lease: null,
      createdAt: '2026-05-01T09:00:00.000Z',
      startedAt: '2026-05-01T09:00:01.000Z',
      finishedAt: '2026-05-01T09:00:09.000Z',
      updatedAt: '2026-05-01T09:00:09.000Z',
      version: 0,
    });
  });
  it('maps every API status word back, and forth', () => {
    const pairs = [
      ['pending', 'queued'],
      ['processing', 'running'],
      ['completed', 'done'],
      ['failed', 'failed'],
      ['canceled', 'canceled'],
    ] as const;
    for (const [api, internal] of pairs) {
      expect(jobRecordFromView({ ...view, status: api, output: null }, 'http://h').status).toBe(internal);
      expect(apiStatusOf(internal)).toBe(api);
    }
  });
});
