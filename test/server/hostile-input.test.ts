import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { expectProblem, setup, VALID_REQUEST } from './helpers.js';

describe('hostile input', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each([
    ['brief', { ...VALID_REQUEST, brief: 'Explain tides\u0000 to curious kids' }],
    ['style', { ...VALID_REQUEST, style: 'calm\ud800' }],
    ['voiceId', { ...VALID_REQUEST, voiceId: '\udc00voice' }],
    ['options.audience', { ...VALID_REQUEST, options: { audience: 'kids\u0000' } }],
  ])('rejects NUL or a lone surrogate in %s with a 400 naming the field', async (field, body) => {
    ({ app } = setup());
    const res = await app.inject({ method: 'POST', url: '/api/video/generate', payload: body });
    const problem = expectProblem(res, 400, 'REELAY_ERR_VALIDATION');
    expect(problem.errors?.map((e) => e.field)).toContain(field);
  });

  it('accepts properly paired surrogates (emoji) in text fields', async () => {
    ({ app } = setup());
    const res = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: { ...VALID_REQUEST, brief: 'Explain tides to curious kids 🌊🌙' },
    });
    expect(res.statusCode).toBe(202);
  });

  it('rejects a cancel reason with NUL before anything changes: the job keeps running', async () => {
    let service: ReturnType<typeof setup>['service'];
    ({ app, service } = setup());
    const submitted = await app.inject({
      method: 'POST',
      url: '/api/video/generate',
      payload: VALID_REQUEST,
    });
    const { jobId } = submitted.json() as { jobId: string };
    const res = await app.inject({
      method: 'POST',
      url: `/api/video/${jobId}/cancel`,
      payload: { reason: 'stop\u0000now' },
    });
    expect(expectProblem(res, 400, 'REELAY_ERR_VALIDATION').errors?.[0]?.field).toBe('reason');
    expect((await service.getJob(jobId))?.status).not.toBe('canceled');
  });

  it('rejects a decision answer with a lone surrogate, naming the field', async () => {
    ({ app } = setup());
    const res = await app.inject({
      method: 'POST',
      url: '/api/jobs/job-1/decisions',
      payload: { option: 'try_alternative', provider: 'x\ud800' },
    });
    expect(expectProblem(res, 400, 'REELAY_ERR_VALIDATION').errors?.[0]?.field).toBe('provider');
  });

  it('answers a malformed URL escape with problem details and a correlation id', async () => {
    ({ app } = setup());
    const res = await app.inject({ method: 'GET', url: '/api/video/%zz/status' });
    expectProblem(res, 400, 'REELAY_ERR_VALIDATION');
  });

  it('answers an over-long path parameter (414) with problem details and a correlation id', async () => {
    ({ app } = setup());
    const res = await app.inject({ method: 'GET', url: `/api/video/${'a'.repeat(301)}/status` });
    expectProblem(res, 414, 'REELAY_ERR_VALIDATION');
  });

  it('answers a request line the HTTP parser rejects with problem details over the socket', async () => {
    ({ app } = setup());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(address.port, '127.0.0.1', () => socket.write('GET /a b c HTTP/1.1\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString('utf8');
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/problem\+json/i);
    const id = /x-correlation-id: (\S+)/i.exec(raw)?.[1];
    expect(id).toBeDefined();
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as {
      correlationId: string;
      code: string;
    };
    expect(body.correlationId).toBe(id);
    expect(body.code).toBe('REELAY_ERR_VALIDATION');
  });
});

describe('circuit admin routes without API keys', () => {
  it('refuse an anonymous caller from the network (403) and accept one on loopback', async () => {
    const { app } = setup();
    const remote = await app.inject({
      method: 'POST',
      url: '/api/providers/espeak/circuit',
      payload: { action: 'open' },
      remoteAddress: '203.0.113.9',
    });
    expect(expectProblem(remote, 403, 'REELAY_ERR_FORBIDDEN').detail).toContain('loopback');
    const local = await app.inject({
      method: 'POST',
      url: '/api/providers/espeak/circuit',
      payload: { action: 'open' },
      remoteAddress: '127.0.0.1',
    });
    expect(local.statusCode).toBe(200);
    await app.close();
  });
});
