import { describe, expect, it, vi } from 'vitest';
import { onceUntilRejected } from './once-until-rejected.js';

describe('onceUntilRejected', () => {
  it('shares one fulfilled promise between calls', async () => {
    const load = vi.fn(async (n: number) => n * 2);
    const once = onceUntilRejected(load);
    const first = once(1);
    expect(once(5)).toBe(first);
    expect(await first).toBe(2);
    expect(await once(7)).toBe(2);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a rejected promise, so the next call loads again', async () => {
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValue('up');
    const once = onceUntilRejected(load);
    await expect(once()).rejects.toThrow('down');
    expect(await once()).toBe('up');
    expect(await once()).toBe('up');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
