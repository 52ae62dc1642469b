import { describe, expect, it } from 'vitest';
import type { BudgetsView, ProviderPerformanceView } from '../../src/jobs/reelay-service.js';
import { closingSetup, expectProblem } from './helpers.js';

const start = closingSetup();

const PERF: ProviderPerformanceView = {
  provider: 'template',
  window: '24h',
  series: [
    { hour: '2025-01-01T00:00:00.000Z', calls: 4, successRate: 1, p50Ms: 120, p95Ms: 300 },
    { hour: '2025-01-01T01:00:00.000Z', calls: 6, successRate: 0.5, p50Ms: 180, p95Ms: 900 },
  ],
  calls: 10,
  successRate: 0.7,
  p50Ms: 150,
  p95Ms: 800,
  trend: { direction: 'degrading', changePct: 50, confidence: 1, points: 2 },
  prediction: { failureRate: 0.3, responseTimeMs: 200, optimalLoad: 0.45, confidence: 0.1, samples: 10 },
};

describe('GET /api/providers/{id}/performance', () => {
  it("answers the service's series, trend and prediction", async () => {
    const { app, service } = start();
    service.performance_.set('template', PERF);
    const res = await app.inject({ method: 'GET', url: '/api/providers/template/performance' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(PERF);
    const empty = (
      await app.inject({ method: 'GET', url: '/api/providers/espeak/performance' })
    ).json() as ProviderPerformanceView;
    expect(empty).toMatchObject({ series: [], prediction: null, trend: { direction: 'stable' } });
  });

  it('400s an unknown provider (like the circuit route) and a malformed id as problem details', async () => {
    const { app } = start();
    expectProblem(
      await app.inject({ method: 'GET', url: '/api/providers/nope/performance' }),
      400,
      'REELAY_ERR_PROVIDER_UNKNOWN',
    );
    expectProblem(
      await app.inject({ method: 'GET', url: '/api/providers/%20bad/performance' }),
      400,
      'REELAY_ERR_VALIDATION',
    );
  });
});

describe('GET /api/budgets', () => {
  it('answers limits with spent and remaining', async () => {
    const { app, service } = start();
    const view: BudgetsView = {
      budgets: [
        {
          scope: 'provider',
          subject: 'template',
          period: 'day',
          limitUsd: 5,
          spentUsd: 1.25,
          remainingUsd: 3.75,
        },
      ],
      spend: [{ provider: 'template', dayUsd: 1.25, monthUsd: 2 }],
    };
    service.budgets_ = view;
    const res = await app.inject({ method: 'GET', url: '/api/budgets' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(view);
  });

  it('needs a key like the other reads when keys are configured', async () => {
    const { app } = start({ config: { apiKeys: ['budget-key-1234'] } });
    expectProblem(await app.inject({ method: 'GET', url: '/api/budgets' }), 401, 'REELAY_ERR_UNAUTHORIZED');
    expectProblem(
      await app.inject({ method: 'GET', url: '/api/providers/template/performance' }),
      401,
      'REELAY_ERR_UNAUTHORIZED',
    );
    const ok = await app.inject({
      method: 'GET',
      url: '/api/budgets',
      headers: { authorization: 'Bearer budget-key-1234' },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('is in the OpenAPI document', async () => {
    const { app } = start();
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/budgets', '/api/providers/{id}/performance']),
    );
  });
});
