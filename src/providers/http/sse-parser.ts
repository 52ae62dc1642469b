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
 * An incremental `text/event-stream` parser following the WHATWG rules: lines end in CRLF, LF or
 * CR (even when a CRLF is split across chunks); a leading BOM is dropped; `:` lines are comments;
 * one optional space after the colon is removed; several `data:` lines join with `\n`; an empty
 * line dispatches (events without data are not dispatched); an unterminated last event is dropped.
 *
 * @example
 * const parser = new SseParser();
 * for (const e of parser.push('data: {"a":1}\n\n')) console.log(JSON.parse(e.data));
 */
export class SseParser {
  private buffer = '';
  private started = false;
  private skipLf = false;
  private data: string[] = [];
  private eventName = '';
  private lastId = '';
  private retry: number | undefined;
  /** Comment lines seen so far (keep-alives): proof of life, not of progress. */
  comments = 0;

  /** Feeds decoded text; returns the events completed by it. */
  push(text: string): SseEvent[] {
    let input = text;
    if (!this.started && input.length > 0) {
      this.started = true;
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
    }
    if (this.skipLf && input.length > 0) {
      this.skipLf = false;
      if (input.startsWith('\n')) input = input.slice(1);
    }
    this.buffer += input;
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i += 1) {
      const ch = this.buffer.charCodeAt(i);
      if (ch !== 10 && ch !== 13) continue;
      const line = this.buffer.slice(start, i);
      if (ch === 13) {
        if (i + 1 < this.buffer.length) {
          if (this.buffer.charCodeAt(i + 1) === 10) i += 1;
        } else {
          this.skipLf = true;
        }
      }
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.comments += 1;
      return undefined;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventName = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const hasData = this.data.length > 0;
    const event: SseEvent = {
      event: this.eventName || 'message',
      data: this.data.join('\n'),
      id: this.lastId,
    };
    if (this.retry !== undefined) event.retry = this.retry;
    this.data = [];
    this.eventName = '';
    this.retry = undefined;
    return hasData ? event : undefined;
  }
}
