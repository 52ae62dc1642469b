/** One item read from an SSE stream. */
export type SseItem =
  | { kind: 'event'; id: string | undefined; event: string; data: string }
  | { kind: 'comment'; text: string }
  | { kind: 'retry'; ms: number };

/**
 * Incremental parser of the `text/event-stream` format (WHATWG HTML §9.2): lines end in LF, CR
 * or CRLF (also across chunk boundaries); `field: value` with one optional space; multi-line
 * `data` joined with LF; a blank line dispatches; `:` lines are comments; a leading BOM is dropped.
 */
export class SseParser {
  private buffer = '';
  private started = false;
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  private pendingCr = false;

  /** Feeds decoded text; returns the items it completes. */
  push(text: string): SseItem[] {
    let chunk = text;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.pendingCr && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCr = false;
    this.buffer += chunk;
    const out: SseItem[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCr = true;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const item = this.line(line);
      if (item) out.push(item);
    }
    return out;
  }

  private line(line: string): SseItem | null {
    if (line === '') {
      const data = this.data;
      const event = this.event || 'message';
      this.data = [];
      this.event = '';
      if (data.length === 0) return null;
      return { kind: 'event', id: this.id, event, data: data.join('\n') };
    }
    if (line.startsWith(':')) return { kind: 'comment', text: line.slice(1).trimStart() };
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) return { kind: 'retry', ms: Number(value) };
    return null;
  }
}

/**
 * Reads SSE items from a response body (a `ReadableStream` of bytes, as `fetch` gives in Node 20
 * and browsers).
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseItem> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
  } finally {
    reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
