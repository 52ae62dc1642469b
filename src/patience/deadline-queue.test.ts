import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Deadlined, DeadlineQueue } from './deadline-queue.js';

type Item = Deadlined & { name: string };
const item = (name: string): Item => ({ name, deadline: 0, queueSeq: 0, queueIndex: -1 });

function drain(q: DeadlineQueue<Item>): string[] {
  const out: string[] = [];
  for (let top = q.pop(); top !== undefined; top = q.pop()) out.push(top.name);
  return out;
}

describe('DeadlineQueue', () => {
  it('pops by deadline, and items due at the same ms in push order', () => {
    const q = new DeadlineQueue<Item>();
    q.push(item('c'), 300);
    q.push(item('a1'), 100);
    q.push(item('b'), 200);
    q.push(item('a2'), 100);
    expect(q.peek()?.name).toBe('a1');
    expect(drain(q)).toEqual(['a1', 'a2', 'b', 'c']);
    expect(q.size).toBe(0);
  });

  it('removes any item, re-queues on push, and ignores items it does not hold', () => {
    const q = new DeadlineQueue<Item>();
    const [a, b, c, d] = [item('a'), item('b'), item('c'), item('d')];
    q.push(a, 10);
    q.push(b, 20);
    q.push(c, 30);
    q.remove(b);
    q.remove(b);
    q.remove(d);
    expect(q.has(b)).toBe(false);
    expect(b.queueIndex).toBe(-1);
    q.push(a, 40);
    expect(q.size).toBe(2);
    expect(drain(q)).toEqual(['c', 'a']);
  });

  it('matches a sorted list under any sequence of pushes and removals', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), id: fc.nat(15), at: fc.nat(50) }),
      fc.record({ kind: fc.constant('remove' as const), id: fc.nat(15) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const q = new DeadlineQueue<Item>();
        const items = Array.from({ length: 16 }, (_, i) => item(String(i)));
        const model = new Map<string, { at: number; seq: number }>();
        let seq = 0;
        for (const o of ops) {
          const it = items[o.id]!;
          if (o.kind === 'push') {
            q.push(it, o.at);
            model.set(it.name, { at: o.at, seq: ++seq });
          } else {
            q.remove(it);
            model.delete(it.name);
          }
        }
        const expected = [...model.entries()]
          .sort((x, y) => x[1].at - y[1].at || x[1].seq - y[1].seq)
          .map(([name]) => name);
        expect(drain(q)).toEqual(expected);
      }),
    );
  });
});
