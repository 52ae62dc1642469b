import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/domain/logger.js';
import type { ReelayService } from '../../src/jobs/reelay-service.js';
import type { GenerateResponse, JobStatusView } from '../../src/server/api-types.js';
import { FakeReelayService } from '../support/fake-reelay-service.js';
import { closingSetup, expectProblem, VALID_REQUEST } from './helpers.js';

const start = closingSetup();

describe('POST /api/video/generate', () => {
  it('answers 202 with the job, a Location header and the request correlation id', async () => {
    const { app, service } = start();
    const res = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: VALID_REQUEST,
      headers: { 'x-correlation-id': 'client-abc.1' },
    });
    expect(res.statusCode).toBe(202);
    const body = res.json() as GenerateResponse;
    expect(body).toMatchObject({ jobId: 'job_1', status: 'pending', correlationId: 'client-abc.1' });
    expect(body.videoUrl).toBe('/api/video/job_1/download');
    expect(res.headers.location).toBe('/api/video/job_1/status');
    expect(res.headers['x-correlation-id']).toBe('client-abc.1');
    expect(service.submittedCorrelationIds).toEqual(['client-abc.1']);
    expect((await service.getJob('job_1'))?.status).toBe('queued');
  });

  it('rejects a missing brief with 400 and the field list', async () => {
    const { app } = start();
    const res = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: { durationMinutes: 2 },
    });
    const problem = expectProblem(res, 400, 'REELAY_ERR_VALIDATION');
    expect(problem.errors?.map((e) => e.field)).toContain('brief');
    expect(problem.instance).toBe('/api/video/generate');
  });

  it('lists every invalid field', async () => {
    const { app } = start();
    const res = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: { brief: 'short', durationMinutes: 99, options: { fps: 5 } },
    });
    const problem = expectProblem(res, 400, 'REELAY_ERR_VALIDATION');
    expect(problem.errors?.map((e) => e.field).sort()).toEqual(['brief', 'durationMinutes', 'options.fps']);
  });

  it('rejects no body (400), bad JSON (400), other media types (415) as problem details', async () => {
    const { app } = start();
    expectProblem(
      await app.inject({ method: 'POST', url: '/api/video/generate' }),
      400,
      'REELAY_ERR_VALIDATION',
    );
    const badJson = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      headers: { 'content-type': 'application/json' },
      payload: '{"brief": ',
    });
    expect(expectProblem(badJson, 400, 'REELAY_ERR_VALIDATION').detail).toMatch(/not valid JSON/);
    const xml = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      headers: { 'content-type': 'application/xml' },
      payload: '<brief/>',
    });
    expectProblem(xml, 415, 'REELAY_ERR_VALIDATION');
    const poisoned = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      headers: { 'content-type': 'application/json' },
      payload: '{"brief":"a long enough brief","__proto__":{"x":1}}',
    });
    expectProblem(poisoned, 400, 'REELAY_ERR_VALIDATION');
  });

  it('rejects a body over the limit with 413; one byte under passes the limit', async () => {
    const { app } = start({ config: { bodyLimitBytes: 200 } });
    const payloadOf = (size: number): string => {
      const base = JSON.stringify({ brief: '' });
      return JSON.stringify({ brief: 'x'.repeat(size - base.length) });
    };
    expect(payloadOf(200).length).toBe(200);
    const atLimit = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      headers: { 'content-type': 'application/json' },
      payload: payloadOf(200),
    });
    expect(atLimit.statusCode).toBe(202);
    const over = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      headers: { 'content-type': 'application/json' },
      payload: payloadOf(201),
    });
    expect(expectProblem(over, 413, 'REELAY_ERR_VALIDATION').detail).toContain('200-byte limit');
  });
});

describe('GET /api/video/:id/status', () => {
  it('reports status word, percent, stage, steps, links and timestamps', async () => {
    const { app, service } = start();
    const job = await service.submit(VALID_REQUEST);
    await service.start(job.id);
    await service.progress(job.id, 42, 'narration', 'narrating scene 2 of 5');
    await service.completeStage(job.id, 'script', 'narration');
    const res = await app.inject({ method: 'GET', url: `/api/video/${job.id}/status` });
    expect(res.statusCode).toBe(200);
    const body = res.json() as JobStatusView;
    expect(body).toMatchObject({
      jobId: job.id,
      status: 'processing',
      percent: 42,
      stage: 'narration',
      message: 'narrating scene 2 of 5',
      videoUrl: null,
      error: null,
      output: null,
      finishedAt: null,
    });
    expect(body.steps).toEqual([expect.objectContaining({ stepId: 'script', sizeBytes: 10 })]);
    expect(JSON.stringify(body.steps)).not.toContain('/work/');
    expect(body.startedAt).not.toBeNull();
    expect(body.links.stream).toBe(`/api/video/${job.id}/stream`);
  });

  it('404s an unknown job and 400s a malformed id, both as problem details', async () => {
    const { app } = start();
    const missing = expectProblem(
      await app.inject({ method: 'GET', url: '/api/video/job_404/status' }),
      404,
      'REELAY_ERR_NOT_FOUND',
    );
    expect(missing.detail).toContain('job_404');
    const bad = expectProblem(
      await app.inject({ method: 'GET', url: '/api/video/%24%7Bx%7D/status' }),
      400,
      'REELAY_ERR_VALIDATION',
    );
    expect(bad.errors?.[0]?.field).toBe('id');
    expectProblem(
      await app.inject({ method: 'GET', url: `/api/video/${'a'.repeat(129)}/status` }),
      400,
      'REELAY_ERR_VALIDATION',
    );
  });

  it('404s an unknown route as problem details', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'GET', url: '/api/videos/job_1/status' });
    expect(expectProblem(res, 404, 'REELAY_ERR_NOT_FOUND').detail).toContain('/api/videos/job_1/status');
  });

  it('says how to turn the OpenAI-compatible endpoint on when /v1 is asked for without modelGroups', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: {} });
    const detail = expectProblem(res, 404, 'REELAY_ERR_NOT_FOUND').detail;
    expect(detail).toContain('/v1/chat/completions');
    expect(detail).toContain('modelGroups');
    const other = await app.inject({ method: 'GET', url: '/api/nothing' });
    expect(expectProblem(other, 404, 'REELAY_ERR_NOT_FOUND').detail).not.toContain('modelGroups');
  });
});

describe('POST /api/video/:id/cancel', () => {
  it('cancels a running job (200, canceled) and answers 409 once it is terminal', async () => {
    const { app, service } = start();
    const job = await service.submit(VALID_REQUEST);
    await service.start(job.id);
    const res = await app.inject({ method: 'POST', url: `/api/video/${job.id}/cancel` });
    expect(res.statusCode).toBe(200);
    expect((res.json() as JobStatusView).status).toBe('canceled');
    const events = await service.readEvents(job.id);
    expect(events.at(-1)?.type).toBe('canceled');
    const again = await app.inject({
      method: 'POST',
      url: `/api/video/${job.id}/cancel`,
      payload: { reason: 'x' },
    });
    expect(expectProblem(again, 409, 'REELAY_ERR_CONFLICT').detail).toContain('canceled');
  });

  it('404s an unknown job', async () => {
    const { app } = start();
    expectProblem(
      await app.inject({ method: 'POST', url: '/api/video/nope/cancel' }),
      404,
      'REELAY_ERR_NOT_FOUND',
    );
  });
});

describe('correlation ids and errors', () => {
  it('generates a correlation id when the header is absent or malformed, and logs with it', async () => {
    const logger = new MemoryLogger();
    const { app } = start({ logger });
    const none = await app.inject({ method: 'GET', url: '/health/live' });
    expect(none.headers['x-correlation-id']).toMatch(/^corr_\d+$/);
    const bad = await app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-correlation-id': 'has spaces and <script>' },
    });
    expect(bad.headers['x-correlation-id']).toMatch(/^corr_\d+$/);
    const tooLong = await app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-correlation-id': 'a'.repeat(129) },
    });
    expect(tooLong.headers['x-correlation-id']).toMatch(/^corr_\d+$/);
    const max = await app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-correlation-id': 'a'.repeat(128) },
    });
    expect(max.headers['x-correlation-id']).toBe('a'.repeat(128));
    const completed = logger.records.filter((r) => r.msg === 'request completed');
    expect(completed).toHaveLength(4);
    expect(completed.map((r) => r.correlationId)).toEqual([
      none.headers['x-correlation-id'],
      bad.headers['x-correlation-id'],
      tooLong.headers['x-correlation-id'],
      'a'.repeat(128),
    ]);
  });

  it('turns an unexpected error into a generic 500 problem, logged with the correlation id', async () => {
    const logger = new MemoryLogger();
    const broken = new FakeReelayService();
    broken.getJob = async () => {
      throw new TypeError('secret internal detail at /srv/db.ts:12');
    };
    const { app } = start({ logger, service: broken as ReelayService });
    const res = await app.inject({
      method: 'GET',
      url: '/api/video/job_1/status',
      headers: { 'x-correlation-id': 'trace-500' },
    });
    const problem = expectProblem(res, 500, 'REELAY_ERR_INTERNAL');
    expect(problem.detail).toContain('trace-500');
    expect(res.body).not.toContain('secret internal detail');
    const logged = logger.records.find((r) => r.msg === 'unexpected error');
    expect(logged?.correlationId).toBe('trace-500');
  });
});
