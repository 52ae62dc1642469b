import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One item read from an SSE stream. */
export type SseItem =
  | { kind: 'event'; id: string | undefined; event: string; data: string }
  | { kind: 'comment'; text: string }
  | { kind: 'retry'; ms: number };

/**
 * Incremental parser of the `text/event-stream` format. The framing rules are
 * `eventsource-parser`'s; this adapter turns its callbacks into a list of items in stream order
 * (comments and `retry:` included, which the progress stream uses as keep-alives and reconnection
 * delay) and carries the last event id across events, as an `EventSource` does.
 */
export class SseParser {
  private id: string | undefined;
  private out: SseItem[] = [];
  private readonly parser: EventSourceParser = createParser({
    onId: (id) => {
      this.id = id;
    },
    onRetry: (ms) => {
      this.out.push({ kind: 'retry', ms });
    },
    onComment: (text) => {
      this.out.push({ kind: 'comment', text: text.trimStart() });
    },
    onEvent: (message) => {
      this.out.push({ kind: 'event', id: this.id, event: message.event ?? 'message', data: message.data });
    },
  });

  /** Feeds decoded text; returns the items it completes. */
  push(text: string): SseItem[] {
    this.parser.feed(text);
    const items = this.out;
    this.out = [];
    return items;
  }
}

/**
 * Reads SSE items from a response body (a `ReadableStream` of bytes, as `fetch` gives in Node and
 * browsers).
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
