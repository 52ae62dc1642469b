import { describe, expect, it } from 'vitest';
import { readSse, type SseItem, SseParser } from './sse-reader.js';

describe('SseParser', () => {
  it('parses id, event and data, across arbitrary chunk splits and line endings', () => {
    const text =
      '\uFEFFretry: 2000\r\n\r\n: keep-alive\r\nid: 7\r\nevent: progress\r\ndata: {"a":1}\r\n\r\nid: 8\ndata: line1\ndata:line2\n\n';
    const expected: SseItem[] = [
      { kind: 'retry', ms: 2000 },
      { kind: 'comment', text: 'keep-alive' },
      { kind: 'event', id: '7', event: 'progress', data: '{"a":1}' },
      { kind: 'event', id: '8', event: 'message', data: 'line1\nline2' },
    ];
    for (let split = 1; split < text.length; split++) {
      const parser = new SseParser();
      const items = [...parser.push(text.slice(0, split)), ...parser.push(text.slice(split))];
      expect(items, `split at ${split}`).toEqual(expected);
    }
  });

  it('does not dispatch a block without data and ignores unknown fields', () => {
    const parser = new SseParser();
    expect(parser.push('event: x\nfoo: bar\n\n')).toEqual([]);
    expect(parser.push('data\n\n')).toEqual([{ kind: 'event', id: undefined, event: 'message', data: '' }]);
  });

  it('reads a byte stream with multi-byte characters split between chunks', async () => {
    const bytes = new TextEncoder().encode('id: 1\ndata: "héllo ✓"\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const b of bytes) controller.enqueue(new Uint8Array([b]));
        controller.close();
      },
    });
    const items: SseItem[] = [];
    for await (const item of readSse(body)) items.push(item);
    expect(items).toEqual([{ kind: 'event', id: '1', event: 'message', data: '"héllo ✓"' }]);
  });
});
