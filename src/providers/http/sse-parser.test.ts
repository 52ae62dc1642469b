import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SseEvent, SseParser } from './sse-parser.js';

function parseAll(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c));
}

const STREAM =
  '\uFEFF: keep-alive\r\n' +
  'event: delta\r\ndata: {"a":1}\r\n\r\n' +
  'data: line one\ndata:line two\nid: 7\n\n' +
  'retry: 1500\rdata: cr only\r\r' +
  'data\n\n' +
  'event: ignored-without-data\n\n' +
  'data: [DONE]\n\n' +
  'data: unterminated';

const EXPECTED: SseEvent[] = [
  { event: 'delta', data: '{"a":1}', id: '' },
  { event: 'message', data: 'line one\nline two', id: '7' },
  { event: 'message', data: 'cr only', id: '7', retry: 1500 },
  { event: 'message', data: '', id: '7' },
  { event: 'message', data: '[DONE]', id: '7' },
];

describe('SseParser', () => {
  it('parses comments, event names, multi-line data, ids, retry, CR/LF/CRLF and drops the unterminated tail', () => {
    const parser = new SseParser();
    expect(parser.push(STREAM)).toEqual(EXPECTED);
    expect(parser.comments).toBe(1);
  });

  it('gives the same events however the stream is split into chunks (CRLF split included)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: STREAM.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(STREAM.slice(last, p));
          last = p;
        }
        chunks.push(STREAM.slice(last));
        expect(parseAll(chunks)).toEqual(EXPECTED);
      }),
      { numRuns: 300 },
    );
  });

  it('treats a CR at a chunk end followed by an LF as one line end, not two', () => {
    expect(parseAll(['data: x\r', '\n', '\r', '\n'])).toEqual([{ event: 'message', data: 'x', id: '' }]);
    expect(parseAll(['data: x\r', '\r'])).toEqual([{ event: 'message', data: 'x', id: '' }]);
  });

  it('strips only one space after the colon and ignores unknown fields', () => {
    expect(parseAll(['data:  two spaces\nfoo: bar\n\n'])).toEqual([
      { event: 'message', data: ' two spaces', id: '' },
    ]);
  });
});
