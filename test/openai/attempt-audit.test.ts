import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/domain/logger.js';
import { AttemptAuditWriter } from '../../src/server/openai/attempt-audit.js';
import type { AttemptTrail, UpstreamAttemptRecord } from '../../src/state/attempt-trail.js';
import { MemoryAttemptTrail } from '../../src/state/memory/memory-attempt-trail.js';
import { chatBody, type Harness, postChat, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const record = (attempt: number, key = 'session:s'): UpstreamAttemptRecord => ({
  key,
  correlationId: 'corr_1',
  group: 'chat',
  deployment: 'a',
  attempt,
  outcome: 'ok',
  startedAt: new Date(0).toISOString(),
  elapsedMs: 1,
  midStream: false,
});

describe('audit trail of attempts', () => {
  it('records every attempt of a failover (not only the switch), per session and per request', async () => {
    h = await startHarness({ faults: [{ kind: 'server_error', status: 503, model: 'sim-a' }] });
    const res = await postChat(h, chatBody(false), { 'x-reelay-session': 'audit-1' });
    expect(res.headers.get('x-reelay-attempts')).toBe('3');
    const body = (await (await fetch(`${h.url}/api/sessions/audit-1/decisions`)).json()) as {
      decisions: unknown[];
      attempts: UpstreamAttemptRecord[];
    };
    expect(body.decisions).toHaveLength(1);
    expect(body.attempts.map((a) => [a.deployment, a.attempt, a.outcome, a.status ?? null])).toEqual([
      ['a', 1, 'failed', 503],
      ['a', 2, 'failed', 503],
      ['b', 3, 'ok', 200],
    ]);
    expect(body.attempts[0]).toMatchObject({ key: 'session:audit-1', group: 'chat', midStream: false });
    expect(Date.parse(body.attempts[0]?.startedAt ?? '')).not.toBeNaN();

    const plain = await postChat(h, chatBody(false), { 'x-correlation-id': 'req-audit-2' });
    expect(plain.status).toBe(200);
    const byRequest = (await (await fetch(`${h.url}/api/requests/req-audit-2/attempts`)).json()) as {
      attempts: UpstreamAttemptRecord[];
    };
    // a's breaker opened after its third failure: the skip is recorded too.
    expect(byRequest.attempts.map((a) => [a.deployment, a.outcome, a.reason ?? null])).toEqual([
      ['a', 'failed', 'provider_overload'],
      ['a', 'skipped', 'circuit_open'],
      ['b', 'ok', null],
    ]);
  });

  it('writes the attempts of one event-loop turn in one batch, after the caller returned', async () => {
    const batches: number[] = [];
    const trail: AttemptTrail = {
      append: async (records) => {
        batches.push(records.length);
      },
      history: async () => [],
    };
    const writer = new AttemptAuditWriter(trail, new MemoryLogger());
    writer.add(record(1));
    writer.add(record(2));
    writer.add(record(3));
    expect(batches).toEqual([]);
    await writer.flush();
    expect(batches).toEqual([3]);
    writer.add(record(4));
    await new Promise((r) => setImmediate(r));
    await writer.flush();
    expect(batches).toEqual([3, 1]);
  });

  it('logs a failed write instead of throwing', async () => {
    const logger = new MemoryLogger();
    const writer = new AttemptAuditWriter(
      {
        append: async () => {
          throw new Error('store down');
        },
        history: async () => [],
      },
      logger,
    );
    writer.add(record(1));
    await expect(writer.flush()).resolves.toBeUndefined();
    expect(logger.records.map((r) => r.tag)).toContain('OPENAI_PROXY_ATTEMPT_AUDIT_FAILED');
  });

  it('the memory trail is bounded per key and in keys', async () => {
    const trail = new MemoryAttemptTrail(2, 3);
    await trail.append([1, 2, 3, 4].map((n) => record(n)));
    expect((await trail.history('session:s')).map((r) => r.attempt)).toEqual([2, 3, 4]);
    await trail.append([record(1, 'k2'), record(1, 'k3')]);
    expect(await trail.history('session:s')).toEqual([]);
    expect(await trail.history('k3')).toHaveLength(1);
  });
});
