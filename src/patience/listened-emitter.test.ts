import { describe, expect, it } from 'vitest';
import { ListenedEmitter } from './listened-emitter.js';

type Ev = { type: 'a'; n: number } | { type: 'b'; n: number };

describe('ListenedEmitter', () => {
  it('knows which types have listeners, through on, onAny and dispose', () => {
    const em = new ListenedEmitter<Ev>();
    expect(em.listens('a')).toBe(false);
    const seen: number[] = [];
    const subA = em.on('a', (e) => seen.push(e.n));
    expect([em.listens('a'), em.listens('b')]).toEqual([true, false]);
    const any = em.onAny((e) => seen.push(e.n * 10));
    expect(em.listens('b')).toBe(true);
    em.emit({ type: 'a', n: 1 });
    em.emit({ type: 'b', n: 2 });
    expect(seen).toEqual([1, 10, 20]);
    any.dispose();
    any.dispose();
    expect([em.listens('a'), em.listens('b')]).toEqual([true, false]);
    subA.dispose();
    subA.dispose();
    expect(em.listens('a')).toBe(false);
    em.emit({ type: 'a', n: 3 });
    expect(seen).toEqual([1, 10, 20]);
  });

  it('still isolates throwing listeners', () => {
    const errors: unknown[] = [];
    const em = new ListenedEmitter<Ev>((e) => errors.push(e));
    const seen: number[] = [];
    em.on('a', () => {
      throw new Error('bad');
    });
    em.on('a', (e) => seen.push(e.n));
    em.emit({ type: 'a', n: 7 });
    expect(seen).toEqual([7]);
    expect(errors).toHaveLength(1);
  });
});
