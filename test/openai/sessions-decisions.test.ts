import { countTokens } from 'gpt-tokenizer';
import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, postChat, REPLY, readSse, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('sticky sessions', () => {
  it('keeps the deployment that served the session; a switch is a recorded decision', async () => {
    h = await startHarness({});
    const session = { 'x-reelay-session': 'conv-1' };
    expect((await postChat(h, chatBody(false), session)).headers.get('x-reelay-deployment')).toBe('a');
    h.sim.setScenario({ faults: [{ kind: 'server_error', model: 'sim-a' }] });
    const switched = await postChat(h, chatBody(false), session);
    expect([switched.headers.get('x-reelay-deployment'), switched.headers.get('x-reelay-fallbacks')]).toEqual(
      ['b', '1'],
    );
    h.sim.setScenario({});
    // a is healthy again, but the session keeps b (its prompt cache is warm there).
    const kept = await postChat(h, chatBody(false), session);
    expect([kept.headers.get('x-reelay-deployment'), kept.headers.get('x-reelay-fallbacks')]).toEqual([
      'b',
      '0',
    ]);
    // Another session still starts on the primary.
    expect(
      (await postChat(h, chatBody(false), { 'x-reelay-session': 'conv-2' })).headers.get(
        'x-reelay-deployment',
      ),
    ).toBe('a');

    const res = await fetch(`${h.url}/api/sessions/conv-1/decisions`);
    const body = (await res.json()) as {
      deployment: string;
      decisions: Array<{ fromProvider: string; toProvider: string; reason: string; jobId: string }>;
    };
    expect(body.deployment).toBe('b');
    expect(body.decisions).toHaveLength(1);
    expect(body.decisions[0]).toMatchObject({
      fromProvider: 'a',
      toProvider: 'b',
      reason: 'AUTO_AFTER_ERROR',
      jobId: 'session:conv-1',
    });
  });

  it('rejects a malformed session id with a 400 problem', async () => {
    h = await startHarness({});
    const res = await postChat(h, chatBody(false), { 'x-reelay-session': 'bad id with spaces' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('REELAY_ERR_VALIDATION');
  });
});

describe('ask over stateless HTTP', () => {
  it('answers a failure with ranked alternatives and a token; nothing switches until the client chooses', async () => {
    h = await startHarness({ faults: [{ kind: 'server_error', model: 'sim-a' }] });
    const headers = { 'x-reelay-fallback': 'ask', 'x-reelay-session': 'conv-ask' };
    const res = await postChat(h, chatBody(true), headers);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const problem = (await res.json()) as {
      correlationId: string;
      decision: {
        token: string;
        alternatives: Array<{ deployment: string; score: number; reasons: string[] }>;
      };
    };
    expect(problem.correlationId).toBe(res.headers.get('x-correlation-id'));
    expect(problem.decision.alternatives.map((a) => a.deployment)).toEqual(['b', 'c']);
    expect(problem.decision.alternatives[0]?.score).toBeGreaterThan(
      problem.decision.alternatives[1]?.score ?? 1,
    );
    expect(problem.decision.alternatives[0]?.reasons.length).toBeGreaterThan(0);
    expect(res.headers.get('x-reelay-decision')).toBe(problem.decision.token);
    expect(h.sim.requests.some((q) => q.model !== 'sim-a')).toBe(false);
    expect(await h.audit.query({})).toHaveLength(0);

    const wrong = await postChat(h, chatBody(true), {
      ...headers,
      'x-reelay-decision': problem.decision.token,
      'x-reelay-choose': 'a',
    });
    expect(wrong.status).toBe(400);
    const forged = await postChat(h, chatBody(true), {
      ...headers,
      'x-reelay-decision': `${problem.decision.token}x`,
      'x-reelay-choose': 'c',
    });
    expect(forged.status).toBe(400);

    const chosen = await postChat(h, chatBody(true), {
      ...headers,
      'x-reelay-decision': problem.decision.token,
      'x-reelay-choose': 'c',
    });
    expect(chosen.status).toBe(200);
    expect(chosen.headers.get('x-reelay-deployment')).toBe('c');
    expect((await readSse(chosen)).text).toBe(REPLY);
    const decisions = await h.audit.history('session:conv-ask');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      fromProvider: 'a',
      toProvider: 'c',
      reason: 'PROVIDER_FATAL_ERROR',
      userConfirmed: true,
    });
  });
});

describe('circuit breaker per deployment', () => {
  it('routes around an outage, probes the primary and returns to it once healthy', async () => {
    h = await startHarness({ faults: [{ kind: 'server_error', model: 'sim-a' }] }, undefined, {
      limits: { maxAttemptsPerDeployment: 1, backoffMs: 20 },
    });
    for (let i = 0; i < 3; i += 1)
      expect((await postChat(h, chatBody(false))).headers.get('x-reelay-deployment')).toBe('b');
    expect(h.breakers.get('a').state.state).toBe('open');
    const during = await postChat(h, chatBody(false));
    expect([during.headers.get('x-reelay-deployment'), during.headers.get('x-reelay-attempts')]).toEqual([
      'b',
      '1',
    ]);
    expect(h.sim.requests.filter((q) => q.model === 'sim-a')).toHaveLength(3);
    const skipped = await h.audit.query({ reason: 'AUTO_CIRCUIT_OPEN' });
    expect(skipped.length).toBeGreaterThan(0);

    h.sim.setScenario({});
    await new Promise((r) => setTimeout(r, 450)); // the test registry's 400 ms recovery timeout
    const probe = await postChat(h, chatBody(false));
    expect(probe.headers.get('x-reelay-deployment')).toBe('a');
    expect(h.breakers.get('a').state.state).toBe('closed');
    expect((await postChat(h, chatBody(false))).headers.get('x-reelay-deployment')).toBe('a');
  });
});

describe('usage', () => {
  it('counts usage with the tokenizer when the upstream omits it (JSON and stream)', async () => {
    h = await startHarness({ faults: [{ kind: 'omit_usage' }] });
    const res = await postChat(h, chatBody(false));
    const body = (await res.json()) as {
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(body.usage.completion_tokens).toBe(countTokens(REPLY));
    expect(body.usage.prompt_tokens).toBe(3 + 4 + countTokens('Say the sentence.'));
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    const streamed = await readSse(await postChat(h, chatBody(true)));
    const usage = JSON.parse(streamed.frames.at(-2)?.data ?? '{}') as {
      usage: { completion_tokens: number };
    };
    expect(usage.usage.completion_tokens).toBe(countTokens(REPLY));
    // Priced: 0.001 $/1k in, 0.002 $/1k out on deployment a.
    const expected =
      2 * ((body.usage.prompt_tokens / 1000) * 0.001 + (body.usage.completion_tokens / 1000) * 0.002);
    expect(h.costs.spent({ provider: 'a' })).toBeCloseTo(expected, 9);
  });
});
