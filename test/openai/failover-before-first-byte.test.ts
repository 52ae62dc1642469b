import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/providers/simulator/scenario-schema.js';
import { chatBody, type Harness, postChat, REPLY, readSse, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function run(scenario: ScenarioInput, stream: boolean, headers: Record<string, string> = {}) {
  h = await startHarness(scenario);
  const started = performance.now();
  const res = await postChat(h, chatBody(stream), headers);
  const elapsed = performance.now() - started;
  const text =
    res.status === 200
      ? stream
        ? (await readSse(res)).text
        : (((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message
            .content ?? '')
      : await res.text();
  return {
    res,
    text,
    elapsed,
    deployment: res.headers.get('x-reelay-deployment'),
    attempts: res.headers.get('x-reelay-attempts'),
    fallbacks: res.headers.get('x-reelay-fallbacks'),
  };
}

describe('failover before the first byte', () => {
  for (const stream of [false, true]) {
    const mode = stream ? 'stream' : 'json';
    it(`5xx burst: retries the primary once, then fails over (${mode})`, async () => {
      const r = await run({ faults: [{ kind: 'server_error', status: 503, model: 'sim-a' }] }, stream);
      expect(r.res.status).toBe(200);
      expect(r.text).toBe(REPLY);
      expect([r.deployment, r.attempts, r.fallbacks]).toEqual(['b', '3', '1']);
      const decisions = await h?.audit.query({});
      expect(decisions?.[0]).toMatchObject({
        fromProvider: 'a',
        toProvider: 'b',
        reason: 'AUTO_AFTER_ERROR',
        userConfirmed: false,
      });
    });

    it(`connection reset: retried, then failed over (${mode})`, async () => {
      const r = await run({ faults: [{ kind: 'reset', model: 'sim-a' }] }, stream);
      expect([r.res.status, r.deployment, r.attempts]).toEqual([200, 'b', '3']);
      expect(r.text).toBe(REPLY);
    });

    it(`silent upstream (no headers): fails over within the limit + 50 ms (${mode})`, async () => {
      const r = await run({ faults: [{ kind: 'silent', model: 'sim-a' }] }, stream);
      expect([r.res.status, r.deployment, r.attempts]).toEqual([200, 'b', '2']);
      const limit = stream ? 300 : 1500;
      expect(r.elapsed).toBeGreaterThanOrEqual(limit);
      // The +50 ms goal, with slack for a loaded 2-core test machine.
      expect(r.elapsed).toBeLessThan(limit + 400);
    });
  }

  it('slow first token: fails over within the first-token limit (stream)', async () => {
    const r = await run({ faults: [{ kind: 'slow_first_token', ms: 5000, model: 'sim-a' }] }, true);
    expect([r.res.status, r.deployment, r.fallbacks]).toEqual([200, 'b', '1']);
    expect(r.text).toBe(REPLY);
    expect(r.elapsed).toBeLessThan(300 + 400);
    const decisions = await h?.audit.query({});
    expect(decisions?.[0]?.reason).toBe('AUTO_AFTER_STALL');
  });

  it('per-request first-token limit overrides the group', async () => {
    const r = await run({ faults: [{ kind: 'slow_first_token', ms: 250, model: 'sim-a' }] }, true, {
      'x-reelay-first-token-timeout-ms': '1000',
    });
    expect([r.res.status, r.deployment]).toEqual([200, 'a']);
  });

  it('429 with a short Retry-After: waits and retries the same deployment', async () => {
    const r = await run(
      { faults: [{ kind: 'rate_limit', retryAfterSeconds: 0, model: 'sim-a', times: 1 }] },
      false,
    );
    expect([r.res.status, r.deployment, r.attempts, r.fallbacks]).toEqual([200, 'a', '2', '0']);
  });

  it('429 with a Retry-After above the cap: switches at once', async () => {
    const r = await run({ faults: [{ kind: 'rate_limit', retryAfterSeconds: 30, model: 'sim-a' }] }, false);
    expect([r.res.status, r.deployment, r.attempts]).toEqual([200, 'b', '2']);
    expect(r.elapsed).toBeLessThan(2000);
  });

  it('429 without Retry-After: backs off, retries once, then switches', async () => {
    const r = await run({ faults: [{ kind: 'rate_limit', model: 'sim-a' }] }, false);
    expect([r.res.status, r.deployment, r.attempts]).toEqual([200, 'b', '3']);
    expect(h?.sim.requests.filter((q) => q.model === 'sim-a')).toHaveLength(2);
  });

  it('a cut non-streaming answer is retried', async () => {
    const r = await run({ faults: [{ kind: 'cut', afterChunks: 0, model: 'sim-a', times: 1 }] }, false);
    expect([r.res.status, r.deployment, r.attempts]).toEqual([200, 'a', '2']);
    expect(r.text).toBe(REPLY);
  });

  it('context_length_exceeded moves to the larger-context deployment', async () => {
    const r = await run(
      {
        faults: [
          { kind: 'context_length', maxPromptChars: 5, model: 'sim-a' },
          { kind: 'context_length', maxPromptChars: 5, model: 'sim-b' },
        ],
      },
      false,
    );
    expect([r.res.status, r.deployment, r.attempts]).toEqual([200, 'c', '2']);
    expect(h?.sim.requests.filter((q) => q.model === 'sim-a')).toHaveLength(1);
  });

  it('context_length_exceeded without a larger deployment returns the provider 400', async () => {
    const r = await run({ faults: [{ kind: 'context_length', model: 'sim-a' }] }, false, {
      'x-reelay-fallback': 'off',
    });
    expect(r.res.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'context_length_exceeded' } });
    expect(h?.sim.requests).toHaveLength(1);
  });

  it('a content-policy refusal is returned as the provider error, not failed over', async () => {
    const r = await run({ faults: [{ kind: 'content_policy', model: 'sim-a' }] }, true);
    expect(r.res.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ error: { code: 'content_policy_violation' } });
    expect([r.deployment, r.attempts]).toEqual(['a', '1']);
    expect(h?.sim.requests).toHaveLength(1);
  });

  it('policy off: no switch, a 502 problem naming the attempts', async () => {
    const r = await run({ faults: [{ kind: 'server_error', status: 500, model: 'sim-a' }] }, true, {
      'x-reelay-fallback': 'off',
    });
    expect(r.res.status).toBe(502);
    expect(r.res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(JSON.parse(r.text)).toMatchObject({ code: 'REELAY_ERR_PROVIDER' });
    expect(r.attempts).toBe('2');
    expect(h?.sim.requests.every((q) => q.model === 'sim-a')).toBe(true);
  });

  it('every deployment failing is an error status, never a 200 stream', async () => {
    const r = await run({ faults: [{ kind: 'server_error', status: 502 }] }, true);
    expect(r.res.status).toBe(502);
    expect(r.attempts).toBe('6');
  });

  it('an explicit chain (x-reelay-fallback-models) is followed in order', async () => {
    const r = await run({ faults: [{ kind: 'server_error', model: 'sim-c' }] }, false, {
      'x-reelay-fallback-models': 'c,b',
    });
    expect([r.res.status, r.deployment]).toEqual([200, 'b']);
    expect(h?.sim.requests.some((q) => q.model === 'sim-a')).toBe(false);
  });

  it('malformed chunks are skipped and counted; a missing [DONE] after the finish is finalised at once', async () => {
    const r = await run({ faults: [{ kind: 'malformed', atChunk: 2 }, { kind: 'missing_done' }] }, true);
    expect(r.res.status).toBe(200);
    expect(r.text).toBe(REPLY);
    expect(h?.events.filter((e) => e.type === 'proxy-malformed-chunk')).toHaveLength(1);
    expect(r.elapsed).toBeLessThan(1500);
  });
});
