import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, expect } from 'vitest';
import type { Clock } from '../../src/domain/clock.js';
import { sequentialIds } from '../../src/domain/ids.js';
import type { Logger } from '../../src/domain/logger.js';
import type { ReelayService } from '../../src/jobs/reelay-service.js';
import type { ProblemDetails } from '../../src/server/api-types.js';
import { createServer } from '../../src/server/create-server.js';
import type { ServerConfig } from '../../src/server/server-options.js';
import { FakeReelayService } from '../support/fake-reelay-service.js';

/** A server over a fresh fake service. */
export function setup(
  options: { config?: ServerConfig; clock?: Clock; logger?: Logger; service?: ReelayService } = {},
): { app: FastifyInstance; service: FakeReelayService } {
  const service = new FakeReelayService(options.clock ? { clock: options.clock } : {});
  const app = createServer({
    service: options.service ?? service,
    config: options.config ?? {},
    ids: sequentialIds(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { app, service };
}

/** A valid generation request. */
export const VALID_REQUEST = { brief: 'Explain how tides work for curious kids', durationMinutes: 1 };

/**
 * Asserts an RFC 9457 problem response: status, content type, every member, the code, no stack,
 * and the correlation id equal to the echoed header.
 */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string): ProblemDetails {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as ProblemDetails;
  expect(body).toMatchObject({ status, code });
  expect(body.type).toBe(
    `https://reelay.dev/problems/${code.replace('REELAY_ERR_', '').toLowerCase().replace(/_/g, '-')}`,
  );
  expect(typeof body.title).toBe('string');
  expect(body.detail.length).toBeGreaterThan(10);
  expect(body.instance.startsWith('/')).toBe(true);
  expect(body.correlationId).toBe(res.headers['x-correlation-id']);
  expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
  expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(res.body).not.toContain('stack');
  return body;
}

/** A clock the test moves by hand (timers go through the real timer functions). */
export function manualClock(
  start = Date.parse('2025-01-01T00:00:00Z'),
): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    setTimeout: (fn, ms) => {
      const h = globalThis.setTimeout(fn, ms);
      h.unref();
      return h;
    },
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
  };
}

/**
 * Registers an `afterEach` that closes the app started by the returned `start` (same arguments as
 * {@link setup}), so each test file does not repeat the bookkeeping.
 */
export function closingSetup(): (...args: Parameters<typeof setup>) => ReturnType<typeof setup> {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
  return (...args) => {
    const ctx = setup(...args);
    close = () => ctx.app.close();
    return ctx;
  };
}
