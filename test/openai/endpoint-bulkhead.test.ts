/**
 * The OpenAI-compatible endpoint applies each deployment's bulkhead like job calls do
 * (docs/rate-limits-and-bulkheads.md#endpoint): a full bulkhead moves the request on to the next
 * deployment (a recorded failover), or answers 503 with Retry-After when none is left; a slot is
 * held until the answer or the stream ends; refusals never count against the breaker.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BulkheadRegistry } from '../../src/resilience/bulkhead-registry.js';
import {
  chatBody,
  type Harness,
  postChat,
  REPLY,
  readSse,
  startHarness,
  threeDeployments,
} from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Deployment `a` with one slot and no queue. */
function oneSlotOnA(): BulkheadRegistry {
  return new BulkheadRegistry({ settings: { a: { maxConcurrent: 1, maxQueue: 0, queueTimeoutMs: 1000 } } });
}

describe('OpenAI endpoint bulkheads', () => {
  for (const stream of [false, true]) {
    const mode = stream ? 'stream' : 'json';
    it(`a full bulkhead on the first deployment fails over to the next, recorded, breaker untouched (${mode})`, async () => {
      const bulkheads = oneSlotOnA();
      const held = await bulkheads.get('a')!.acquire();
      h = await startHarness({}, undefined, { bulkheads });
      const res = await postChat(h, chatBody(stream));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-reelay-deployment')).toBe('b');
      expect(res.headers.get('x-reelay-fallbacks')).toBe('1');
      const text = stream ? (await readSse(res)).text : await res.text();
      expect(text).toContain(stream ? REPLY : 'choices');
      const decisions = await h.audit.query({});
      expect(decisions[0]).toMatchObject({ fromProvider: 'a', toProvider: 'b', reason: 'AUTO_AFTER_ERROR' });
      expect(decisions[0]?.context).toMatch(/overloaded/);
      // Deployment a never saw the request, and its breaker counted no failure.
      expect(h.sim.requests.filter((r) => r.model === 'sim-a')).toHaveLength(0);
      expect(h.breakers.get('a').toJSON()).toEqual({ state: 'closed', failures: [] });
      expect(bulkheads.get('a')?.view()).toMatchObject({ inUse: 1, rejected: 1 });
      held();
    });
  }

  it('no deployment left: 503 problem REELAY_ERR_PROVIDER_OVERLOAD with Retry-After', async () => {
    const bulkheads = oneSlotOnA();
    const held = await bulkheads.get('a')!.acquire();
    h = await startHarness(
      {},
      (u) => ({
        chat: {
          ...threeDeployments(u).chat!,
          deployments: threeDeployments(u).chat!.deployments.slice(0, 1),
        },
      }),
      { bulkheads },
    );
    const res = await postChat(h, chatBody(false));
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(res.headers.get('retry-after')).toBe('1');
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe('REELAY_ERR_PROVIDER_OVERLOAD');
    expect(problem.detail).toMatch(/a: a is overloaded/);
    held();
  });

  for (const stream of [false, true]) {
    const mode = stream ? 'stream' : 'json';
    it(`holds the slot for the whole answer and frees it afterwards (${mode})`, async () => {
      const bulkheads = oneSlotOnA();
      // The stream pauses 200 ms after its first chunk (under the 300 ms stall limit).
      h = await startHarness(
        stream ? { faults: [{ kind: 'stall', afterChunks: 1, ms: 200, model: 'sim-a' }] } : {},
        undefined,
        { bulkheads },
      );
      const res = await postChat(h, chatBody(stream));
      expect(res.headers.get('x-reelay-deployment')).toBe('a');
      if (stream) {
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        await reader.read();
        // The first chunk is out and the stream still open: the slot is still taken.
        expect(bulkheads.get('a')?.view().inUse).toBe(1);
        while (!(await reader.read()).done) {}
      } else await res.text();
      await new Promise((r) => setImmediate(r));
      expect(bulkheads.get('a')?.view()).toMatchObject({ inUse: 0, rejected: 0 });
    });
  }
});
