import { describe, expect, it } from 'vitest';
import { KeyedWrites } from './keyed-writes.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('KeyedWrites', () => {
  it('runs writes of one key in order, each after the previous settled', async () => {
    const order: string[] = [];
    const first = deferred();
    const writes = new KeyedWrites(() => undefined);
    writes.queue('a', async () => {
      order.push('a1 start');
      await first.promise;
      order.push('a1 end');
    });
    writes.queue('a', async () => {
      order.push('a2');
    });
    writes.queue('b', async () => {
      order.push('b1');
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['a1 start', 'b1']);
    first.resolve();
    await writes.flush();
    expect(order).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('reports a failed write and keeps the chain going', async () => {
    const errors: [string, unknown][] = [];
    const writes = new KeyedWrites((key, error) => errors.push([key, error]));
    const done: string[] = [];
    writes.queue('k', () => Promise.reject(new Error('disk full')));
    writes.queue('k', async () => {
      done.push('second');
    });
    await writes.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toBe('k');
    expect(String(errors[0]?.[1])).toMatch(/disk full/);
    expect(done).toEqual(['second']);
  });

  it('forgets a key once its last write settled', async () => {
    const writes = new KeyedWrites(() => undefined);
    for (let i = 0; i < 100; i++) writes.queue(`job-${i}`, async () => undefined);
    expect(writes.size).toBe(100);
    await writes.flush();
    await Promise.resolve();
    expect(writes.size).toBe(0);
  });

  it('after(key) waits for the writes queued before it', async () => {
    const gate = deferred();
    const writes = new KeyedWrites(() => undefined);
    let written = false;
    writes.queue('x', async () => {
      await gate.promise;
      written = true;
    });
    const waited = writes.after('x').then(() => written);
    gate.resolve();
    expect(await waited).toBe(true);
  });
});
