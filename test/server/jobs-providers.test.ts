import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  DecisionListResponse,
  JobListResponse,
  PendingDecisionResponse,
  ProblemDetails,
} from '../../src/server/api-types.js';
import { closingSetup, expectProblem, setup, VALID_REQUEST } from './helpers.js';

const start = closingSetup();

describe('GET /api/jobs', () => {
  it('pages newest first with a cursor and filters by API status word', async () => {
    const { app, service } = start();
    for (let i = 0; i < 3; i++) await service.submit(VALID_REQUEST);
    await service.start('job_2');
    const first = (await app.inject({ method: 'GET', url: '/api/jobs?limit=2' })).json() as JobListResponse;
    expect(first.items.map((j) => j.jobId)).toEqual(['job_3', 'job_2']);
    expect(first.nextCursor).not.toBeNull();
    const second = (
      await app.inject({ method: 'GET', url: `/api/jobs?limit=2&cursor=${first.nextCursor}` })
    ).json() as JobListResponse;
    expect(second.items.map((j) => j.jobId)).toEqual(['job_1']);
    expect(second.nextCursor).toBeNull();
    const processing = (
      await app.inject({ method: 'GET', url: '/api/jobs?status=processing' })
    ).json() as JobListResponse;
    expect(processing.items.map((j) => [j.jobId, j.status])).toEqual([['job_2', 'processing']]);
  });

  it('400s a bad status, limit or cursor with the field named', async () => {
    const { app } = start();
    const bad = expectProblem(
      await app.inject({ method: 'GET', url: '/api/jobs?status=weird&limit=0' }),
      400,
      'REELAY_ERR_VALIDATION',
    );
    expect(bad.errors?.map((e) => e.field).sort()).toEqual(['limit', 'status']);
    expectProblem(
      await app.inject({ method: 'GET', url: '/api/jobs?limit=501' }),
      400,
      'REELAY_ERR_VALIDATION',
    );
    expectProblem(
      await app.inject({ method: 'GET', url: '/api/jobs?cursor=garbage' }),
      400,
      'REELAY_ERR_VALIDATION',
    );
  });
});

describe('decisions', () => {
  it('shows the pending decision, takes an answer, records it, and 409s a second answer', async () => {
    const { app, service } = start();
    const job = await service.submit(VALID_REQUEST);
    await service.start(job.id);
    const empty = (await app.inject({ method: 'GET', url: `/api/jobs/${job.id}/decisions/pending` })).json();
    expect((empty as PendingDecisionResponse).pending).toBeNull();
    const asked = await service.requireDecision(job.id, 'template', 'script');
    const pending = (
      await app.inject({ method: 'GET', url: `/api/jobs/${job.id}/decisions/pending` })
    ).json() as PendingDecisionResponse;
    expect(pending.pending).toMatchObject({
      decisionId: asked.decisionId,
      provider: 'template',
      trigger: 'stall',
    });

    const missingProvider = await app.inject({
      method: 'POST',
      url: `/api/jobs/${job.id}/decisions`,
      payload: { option: 'try_alternative' },
    });
    expect(expectProblem(missingProvider, 400, 'REELAY_ERR_VALIDATION').errors?.[0]?.field).toBe('provider');
    const badOption = await app.inject({
      method: 'POST',
      url: `/api/jobs/${job.id}/decisions`,
      payload: { option: 'wait' },
    });
    expect(expectProblem(badOption, 400, 'REELAY_ERR_VALIDATION').errors?.[0]?.field).toBe('option');

    const answered = await app.inject({
      method: 'POST',
      url: `/api/jobs/${job.id}/decisions`,
      payload: { option: 'try_alternative', provider: 'ollama', decisionId: asked.decisionId },
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.json()).toEqual({
      jobId: job.id,
      answered: { option: 'try_alternative', provider: 'ollama', decisionId: asked.decisionId },
    });
    const history = (
      await app.inject({ method: 'GET', url: `/api/jobs/${job.id}/decisions` })
    ).json() as DecisionListResponse;
    expect(history.decisions).toEqual([
      expect.objectContaining({
        fromProvider: 'template',
        toProvider: 'ollama',
        reason: 'USER_AFTER_STALL',
        userConfirmed: true,
      }),
    ]);
    const again = await app.inject({
      method: 'POST',
      url: `/api/jobs/${job.id}/decisions`,
      payload: { option: 'continue_30s' },
    });
    expectProblem(again, 409, 'REELAY_ERR_CONFLICT');
  });

  it('404s decisions of an unknown job', async () => {
    const { app } = start();
    expectProblem(
      await app.inject({ method: 'GET', url: '/api/jobs/job_9/decisions' }),
      404,
      'REELAY_ERR_NOT_FOUND',
    );
    expectProblem(
      await app.inject({
        method: 'POST',
        url: '/api/jobs/job_9/decisions',
        payload: { option: 'cancel_job' },
      }),
      404,
      'REELAY_ERR_NOT_FOUND',
    );
  });
});

describe('providers, gateway, health and metrics', () => {
  it('lists providers and changes a circuit; unknown provider and bad action are 400s', async () => {
    const { app } = start();
    const list = await app.inject({ method: 'GET', url: '/api/providers' });
    expect((list.json() as { providers: Array<{ id: string }> }).providers.map((p) => p.id)).toEqual([
      'template',
      'espeak',
    ]);
    const opened = await app.inject({
      method: 'POST',
      url: '/api/providers/espeak/circuit',
      payload: { action: 'isolate', reason: 'maintenance' },
    });
    expect(opened.json()).toEqual({ provider: 'espeak', state: 'isolated' });
    const after = (await app.inject({ method: 'GET', url: '/api/providers' })).json() as {
      providers: Array<{ id: string; breaker: { state: string } }>;
    };
    expect(after.providers.find((p) => p.id === 'espeak')?.breaker.state).toBe('isolated');
    expectProblem(
      await app.inject({ method: 'POST', url: '/api/providers/nope/circuit', payload: { action: 'open' } }),
      400,
      'REELAY_ERR_PROVIDER_UNKNOWN',
    );
    const bad = await app.inject({
      method: 'POST',
      url: '/api/providers/espeak/circuit',
      payload: { action: 'explode' },
    });
    expect(expectProblem(bad, 400, 'REELAY_ERR_VALIDATION').errors?.[0]?.field).toBe('action');
  });

  it('reports gateway statistics', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'GET', url: '/api/gateway/stats' });
    expect(res.json()).toMatchObject({ activeLocks: 0, totalFallbackDecisions: 0 });
  });

  it('answers live always, ready 200 or 503 problem details with the checks', async () => {
    const { app, service } = start();
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toMatchObject({ status: 'ok' });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { store: { ok: true } } });
    service.readiness_ = {
      ready: false,
      checks: { store: { ok: true, message: 'ok' }, ffmpeg: { ok: false, message: 'ffmpeg not found' } },
    };
    const notReady = await app.inject({ method: 'GET', url: '/health/ready' });
    const problem = expectProblem(notReady, 503, 'REELAY_ERR_PREFLIGHT');
    expect(problem.detail).toContain('ffmpeg: ffmpeg not found');
    expect(problem.checks?.ffmpeg?.ok).toBe(false);
  });

  it('exposes the service metrics and its own HTTP metrics by route and status', async () => {
    const { app } = start();
    await app.inject({ method: 'GET', url: '/api/video/job_1/status' });
    await app.inject({ method: 'GET', url: '/api/jobs' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('reelay_jobs_total 0');
    expect(res.body).toContain(
      'reelay_http_requests_total{method="GET",route="/api/video/:id/status",status="404"} 1',
    );
    expect(res.body).toContain('reelay_http_requests_total{method="GET",route="/api/jobs",status="200"} 1');
    expect(res.body).toMatch(
      /reelay_http_request_duration_seconds_bucket\{le="0\.001",method="GET",route="\/api\/jobs",status="200"\}/,
    );
  });

  it('keeps metrics per server instance (two servers in one process do not collide)', async () => {
    const a = setup();
    const b = setup();
    await a.app.inject({ method: 'GET', url: '/api/jobs' });
    const text = (await b.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).not.toContain('route="/api/jobs"');
    await Promise.all([a.app.close(), b.app.close()]);
  });
});

describe('POST /api/video/generate fuzz', () => {
  it('never answers 5xx to arbitrary JSON bodies or arbitrary strings', async () => {
    const { app } = start({ config: { generateRatePerMinute: 100_000 } });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
          fc.string().map((s) => ({ type: 'application/json', body: s })),
          fc.string().map((s) => ({ type: 'text/plain', body: s })),
          fc
            .record(
              { brief: fc.string(), durationMinutes: fc.double(), options: fc.object() },
              { requiredKeys: [] },
            )
            .map((v) => ({ type: 'application/json', body: JSON.stringify(v) })),
        ),
        async ({ type, body }) => {
          const res = await app.inject({
            method: 'POST',
            url: '/api/video/generate',
            headers: { 'content-type': type },
            payload: body,
          });
          expect(res.statusCode, body.slice(0, 200)).toBeLessThan(500);
          if (res.statusCode !== 202) {
            const problem = res.json() as ProblemDetails;
            expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
            expect(problem.code).toMatch(/^REELAY_ERR_/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
