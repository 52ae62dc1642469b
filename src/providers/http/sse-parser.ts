import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One server-sent event, as dispatched by {@link SseParser}. */
export interface SseEvent {
  /** The `event:` field. @default 'message' */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream (it persists across events), or '' when none. */
  id: string;
  /** The `retry:` field of this event, in ms, when it had one. */
  retry?: number;
}

/**
 * An incremental `text/event-stream` parser: the framing (CR/LF/CRLF even when split across
 * chunks, the BOM, comments, the optional space, multi-line data, events without data not
 * dispatched, an unterminated last event dropped) is `eventsource-parser`'s; this adapter adds what
 * the providers need on top: the last event id carried across events, the `retry:` of the event it
 * came with, and a count of comment lines (keep-alives prove the connection alive, not progress).
 *
 * @example
 * const parser = new SseParser();
 * for (const e of parser.push('data: {"a":1}\n\n')) console.log(JSON.parse(e.data));
 */
export class SseParser {
  /** Comment lines seen so far (keep-alives): proof of life, not of progress. */
  comments = 0;
  private lastId = '';
  private retry: number | undefined;
  private out: SseEvent[] = [];
  private readonly parser: EventSourceParser = createParser({
    onId: (id) => {
      this.lastId = id;
    },
    onRetry: (ms) => {
      this.retry = ms;
    },
    onComment: () => {
      this.comments += 1;
    },
    onEvent: (message) => {
      const event: SseEvent = { event: message.event ?? 'message', data: message.data, id: this.lastId };
      if (this.retry !== undefined) event.retry = this.retry;
      this.retry = undefined;
      this.out.push(event);
    },
  });

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    this.parser.feed(text);
    const events = this.out;
    this.out = [];
    return events;
  }
}
