import { afterEach, describe, expect, it } from 'vitest';
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

// A generous first-token limit: the hedge, not failover, must be what rescues a slow first token.
const patient = (url: string) => threeDeployments(url, { firstTokenTimeoutMs: 10_000 });
const slowA = (ms: number, after = 0) => ({
  faults: [{ kind: 'slow_first_token' as const, model: 'sim-a', ms, after, times: 1 }],
});

describe('OpenAI endpoint: x-reelay-hedge', () => {
  it('to=alternative: b answers first, the stream is b’s whole reply, AUTO_HEDGE_WIN is recorded', async () => {
    h = await startHarness(slowA(5000), patient);
    const res = await postChat(h, chatBody(true), { 'x-reelay-hedge': 'after=50ms, to=alternative' });
    expect(res.headers.get('x-reelay-deployment')).toBe('b');
    expect(res.headers.get('x-reelay-fallbacks')).toBe('1');
    expect((await readSse(res)).text).toBe(REPLY);
    const decisions = await h.audit.query({});
    expect(decisions).toEqual([
      expect.objectContaining({
        fromProvider: 'a',
        toProvider: 'b',
        reason: 'AUTO_HEDGE_WIN',
        userConfirmed: false,
      }),
    ]);
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'proxy-fallback', reason: 'AUTO_HEDGE_WIN' }),
    );
  });

  it('x-reelay-fallback: off — never hedged, the slow first token is waited for', async () => {
    h = await startHarness(slowA(400), patient);
    const res = await postChat(h, chatBody(true), {
      'x-reelay-hedge': 'after=20ms, to=alternative',
      'x-reelay-fallback': 'off',
    });
    expect(res.headers.get('x-reelay-deployment')).toBe('a');
    expect((await readSse(res)).text).toBe(REPLY);
    expect(h.sim.requests.map((r) => r.model)).toEqual(['sim-a']);
  });

  it('sticky: without a known p95 for the locked deployment, the session stays on it after losing', async () => {
    h = await startHarness({}, patient);
    const session = { 'x-reelay-session': 's-stay' };
    expect((await postChat(h, chatBody(false), session)).headers.get('x-reelay-deployment')).toBe('a');
    h.sim.setScenario(slowA(5000));
    const hedged = await postChat(h, chatBody(true), {
      ...session,
      'x-reelay-hedge': 'after=50ms, to=alternative',
    });
    expect(hedged.headers.get('x-reelay-deployment')).toBe('b');
    await readSse(hedged);
    h.sim.setScenario({});
    expect((await postChat(h, chatBody(false), session)).headers.get('x-reelay-deployment')).toBe('a');
  });

  it('sticky: a locked deployment that lost by more than its own p95 — the session moves to the winner', async () => {
    h = await startHarness({}, patient);
    const session = { 'x-reelay-session': 's-move' };
    // Ten quick answers give a a p95 of a few ms; the hedge after 100 ms then wins by ≥ 100 ms.
    for (let i = 0; i < 10; i += 1) await (await postChat(h, chatBody(false), session)).text();
    h.sim.setScenario(slowA(5000));
    const hedged = await postChat(h, chatBody(true), {
      ...session,
      'x-reelay-hedge': 'after=100ms, to=alternative',
    });
    expect(hedged.headers.get('x-reelay-deployment')).toBe('b');
    await readSse(hedged);
    h.sim.setScenario({});
    expect((await postChat(h, chatBody(false), session)).headers.get('x-reelay-deployment')).toBe('b');
  });

  it('rejects a malformed x-reelay-hedge with a 400 problem', async () => {
    h = await startHarness({}, patient);
    const res = await postChat(h, chatBody(false), { 'x-reelay-hedge': 'after=soon' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('REELAY_ERR_VALIDATION');
  });
});
