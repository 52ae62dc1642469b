import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  GatewayStatsViewSchema,
  GenerateResponseSchema,
  JobListResponseSchema,
  JobStatusViewSchema,
  PendingDecisionResponseSchema,
  ProviderListResponseSchema,
} from '../../src/server/api-schemas.js';
import { setup, VALID_REQUEST } from './helpers.js';

const KEY = 'rk-openapi-key-0123456789';
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

function start() {
  const ctx = setup({ config: { apiKeys: [KEY] } });
  close = () => ctx.app.close();
  return ctx;
}

interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>>;
  components: { schemas: Record<string, { type?: string; properties?: Record<string, unknown> }> };
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document generated from the route schemas, served without a key', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/video/generate',
        '/api/video/{id}/status',
        '/api/video/{id}/download',
        '/api/video/{id}/stream',
        '/api/jobs/',
        '/api/jobs/{id}/decisions',
        '/api/providers',
        '/api/providers/{id}/circuit',
        '/health/ready',
        '/metrics',
      ]),
    );
    expect(doc.paths['/openapi.json']).toBeUndefined();
    const generate = doc.paths['/api/video/generate']?.post;
    expect(JSON.stringify(generate?.requestBody)).toContain('#/components/schemas/GenerateRequest');
    expect(Object.keys(generate?.responses ?? {})).toEqual(expect.arrayContaining(['202', '400', '429']));
    // The request schema is the one the server validates with: fields and enums come from zod.
    const request = doc.components.schemas.GenerateRequest;
    expect(Object.keys(request?.properties ?? {})).toEqual(
      expect.arrayContaining(['brief', 'durationMinutes', 'options', 'providers', 'fallbackPolicy']),
    );
    expect(JSON.stringify(request)).toContain('"ask"');
    expect(doc.components.schemas.ProblemDetails?.properties).toHaveProperty('correlationId');
  });

  it('has a docs page that loads nothing from another origin', async () => {
    const { app } = start();
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('openapi.json');
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe('responses match their documented schemas', () => {
  it('generate, status, list, pending decision, providers and gateway stats parse', async () => {
    const { app } = start();
    const headers = { authorization: `Bearer ${KEY}` };
    const check = async (url: string, schema: z.ZodType, method: 'GET' | 'POST' = 'GET') => {
      const res = await app.inject({
        method,
        url,
        headers,
        ...(method === 'POST' ? { payload: VALID_REQUEST } : {}),
      });
      expect(res.statusCode, url).toBeLessThan(300);
      const parsed = schema.safeParse(res.json());
      expect(parsed.error?.issues ?? [], url).toEqual([]);
      return res.json() as { jobId?: string };
    };
    const { jobId } = await check('/api/video/generate', GenerateResponseSchema, 'POST');
    await check(`/api/video/${jobId}/status`, JobStatusViewSchema);
    await check('/api/jobs', JobListResponseSchema);
    await check(`/api/jobs/${jobId}/decisions/pending`, PendingDecisionResponseSchema);
    await check('/api/providers', ProviderListResponseSchema);
    await check('/api/gateway/stats', GatewayStatsViewSchema);
  });
});
