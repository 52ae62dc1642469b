import { afterEach, describe, expect, it } from 'vitest';
import { createProbeServer } from '../../src/server/probe-server.js';
import { FakeReelayService } from '../support/fake-reelay-service.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('the worker probe server', () => {
  it('serves health and metrics over a real port, and nothing of the API', async () => {
    const app = createProbeServer({ service: new FakeReelayService() });
    close = () => app.close();
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(((await live.json()) as { status: string }).status).toBe('ok');
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const api = await fetch(`${url}/api/providers`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
