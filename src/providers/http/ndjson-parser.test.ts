import { describe, expect, it } from 'vitest';
import { MalformedResponseError } from '../../resilience/output-errors.js';
import { NdjsonParser } from './ndjson-parser.js';

describe('NdjsonParser', () => {
  it('joins lines split across chunks, accepts CRLF, skips blank lines and parses the unterminated tail', () => {
    const parser = new NdjsonParser();
    const out = [
      ...parser.push('{"message":{"content":"He'),
      ...parser.push('llo"},"done":false}\r\n\n{"done"'),
      ...parser.push(':true}'),
    ];
    expect(out).toEqual([{ message: { content: 'Hello' }, done: false }]);
    expect(parser.end()).toEqual([{ done: true }]);
  });

  it('throws a MalformedResponseError naming the line', () => {
    const parser = new NdjsonParser();
    parser.push('{"ok":1}\n');
    expect(() => parser.push('{"broken":\n')).toThrow(MalformedResponseError);
    expect(() => new NdjsonParser().push('nope\n')).toThrow(/line 1/);
  });
});
