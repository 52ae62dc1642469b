import { afterEach, describe, expect, it } from 'vitest';
import { chatBody, type Harness, postChat, REPLY, readSse, startHarness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function finishes(frames: Array<{ event: string; data: string }>): number {
  return frames.filter((f) => f.event === 'message' && f.data.includes('"finish_reason":"')).length;
}

describe('stream recovery after bytes were sent', () => {
  it('a cut stream continues on the next deployment with an assistant prefill', async () => {
    h = await startHarness({ faults: [{ kind: 'cut', afterChunks: 3, model: 'sim-a' }] });
    const res = await postChat(h, chatBody(true));
    const { frames, text } = await readSse(res);
    expect(text).toBe(REPLY);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    expect(finishes(frames)).toBe(1);
    const b = h.sim.requests.find((q) => q.model === 'sim-b');
    expect(b?.prefill).toBe(true);
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'proxy-stream-recovered', deployment: 'b', mode: 'prefill' }),
    );
    const decisions = await h.audit.query({});
    expect(decisions[0]).toMatchObject({ fromProvider: 'a', toProvider: 'b', reason: 'AUTO_AFTER_ERROR' });
    // Usage is recounted for the combined answer.
    const usage = JSON.parse(frames.at(-2)?.data ?? '{}') as {
      usage: { completion_tokens: number };
      model: string;
    };
    expect(usage.usage.completion_tokens).toBeGreaterThan(5);
    expect(usage.model).toBe('b');
  });

  it('a stalled stream is recovered within the stall window', async () => {
    h = await startHarness({ faults: [{ kind: 'stall', afterChunks: 2, model: 'sim-a' }] });
    const started = performance.now();
    const res = await postChat(h, chatBody(true));
    const { text, frames } = await readSse(res);
    expect(text).toBe(REPLY);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    expect(performance.now() - started).toBeLessThan(300 + 600);
    expect((await h.audit.query({}))[0]?.reason).toBe('AUTO_AFTER_STALL');
  });

  it('restarts without the prefill when the deployment rejects it, dropping the delivered prefix', async () => {
    h = await startHarness({
      faults: [
        { kind: 'cut', afterChunks: 4, model: 'sim-a' },
        { kind: 'reject_prefill', model: 'sim-b' },
      ],
    });
    const res = await postChat(h, chatBody(true));
    const { text, frames } = await readSse(res);
    expect(text).toBe(REPLY);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'proxy-stream-recovered', deployment: 'b', mode: 'restart' }),
    );
    expect(h.sim.requests.filter((q) => q.model === 'sim-b').map((q) => q.prefill)).toEqual([true, false]);
  });

  it('a divergent restart ends with an explicit error event: no finish_reason, no [DONE]', async () => {
    h = await startHarness({
      models: {
        'sim-b': { reply: 'An entirely different answer.' },
        'sim-c': { reply: 'Yet another answer here.' },
      },
      faults: [
        { kind: 'cut', afterChunks: 3, model: 'sim-a' },
        { kind: 'reject_prefill', model: 'sim-b' },
        { kind: 'reject_prefill', model: 'sim-c' },
      ],
    });
    const res = await postChat(h, chatBody(true));
    expect(res.status).toBe(200);
    const { frames, text } = await readSse(res);
    expect(text).toBe('The quick brown');
    expect(frames.some((f) => f.data === '[DONE]')).toBe(false);
    expect(finishes(frames)).toBe(0);
    const last = frames.at(-1);
    expect(last?.event).toBe('error');
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({ error: { code: 'reelay_stream_diverged' } });
  });

  it('x-reelay-stream-recovery: off ends a cut stream with an error at once', async () => {
    h = await startHarness({ faults: [{ kind: 'cut', afterChunks: 2, model: 'sim-a' }] });
    const res = await postChat(h, chatBody(true), { 'x-reelay-stream-recovery': 'off' });
    const { frames, text } = await readSse(res);
    expect(text).toBe('The quick');
    expect(frames.at(-1)?.event).toBe('error');
    expect(JSON.parse(frames.at(-1)?.data ?? '{}')).toMatchObject({
      error: { code: 'reelay_stream_interrupted' },
    });
    expect(frames.some((f) => f.data === '[DONE]')).toBe(false);
    expect(h.sim.requests.some((q) => q.model === 'sim-b')).toBe(false);
  });

  it('a failed recovery everywhere ends with an error event, never a clean end', async () => {
    h = await startHarness({
      faults: [
        { kind: 'cut', afterChunks: 2, model: 'sim-a' },
        { kind: 'server_error', model: 'sim-b' },
        { kind: 'server_error', model: 'sim-c' },
      ],
    });
    const res = await postChat(h, chatBody(true));
    const { frames } = await readSse(res);
    expect(frames.at(-1)?.event).toBe('error');
    expect(finishes(frames)).toBe(0);
    expect(frames.some((f) => f.data === '[DONE]')).toBe(false);
  });
});
