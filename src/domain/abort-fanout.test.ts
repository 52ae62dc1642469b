import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type AbortSubscriber, subscribeAbort, unsubscribeAbort } from './abort-fanout.js';

function subscriber(log: string[], name: string): AbortSubscriber {
  return { onAbort: (reason) => log.push(`${name}:${String(reason)}`) };
}

describe('subscribeAbort: one listener per signal', () => {
  it('puts one listener on a signal however many subscribe, and tells each once, in order', () => {
    const ac = new AbortController();
    const log: string[] = [];
    const subs = Array.from({ length: 50 }, (_, i) => subscriber(log, `s${i}`));
    for (const s of subs) subscribeAbort(ac.signal, s);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(1);
    ac.abort('stop');
    ac.abort('again');
    expect(log).toEqual(subs.map((_, i) => `s${i}:stop`));
  });

  it('does not tell an unsubscribed subscriber', () => {
    const ac = new AbortController();
    const log: string[] = [];
    const a = subscriber(log, 'a');
    const b = subscriber(log, 'b');
    subscribeAbort(ac.signal, a);
    subscribeAbort(ac.signal, b);
    unsubscribeAbort(ac.signal, a);
    unsubscribeAbort(new AbortController().signal, b); // another signal: ignored
    ac.abort('x');
    expect(log).toEqual(['b:x']);
  });
});
