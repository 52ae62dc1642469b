import { describe, expect, it } from 'vitest';
import { readHedgeHeader } from './hedge-header.js';

const read = (value: string | undefined) =>
  readHedgeHeader(value === undefined ? {} : { 'x-reelay-hedge': value });

describe('x-reelay-hedge', () => {
  it('absent or empty: undefined (the group decides)', () => {
    expect(read(undefined)).toBeUndefined();
    expect(read('  ')).toBeUndefined();
  });

  it('on / off', () => {
    expect(read('on')).toEqual({ enabled: true });
    expect(read('off')).toEqual({ enabled: false });
  });

  it('after=800ms, after=1.5s, to=alternative', () => {
    expect(read('after=800ms')).toEqual({ enabled: true, afterMs: 800 });
    expect(read('after=1.5s; to=alternative')).toEqual({
      enabled: true,
      afterMs: 1500,
      hedgeTo: 'alternative',
    });
    expect(read('to=same, after=0ms')).toEqual({ enabled: true, afterMs: 0, hedgeTo: 'same' });
  });

  it.each(['after=800', 'after=-1ms', 'after=601s', 'to=other', 'speed=fast', 'after'])(
    'rejects %s with a validation error naming the header',
    (value) => {
      expect(() => read(value)).toThrowError(expect.objectContaining({ code: 'REELAY_ERR_VALIDATION' }));
      try {
        read(value);
      } catch (error) {
        expect((error as Error).message).toContain('x-reelay-hedge');
      }
    },
  );
});
