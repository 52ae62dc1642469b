import { MalformedResponseError } from '../../resilience/output-errors.js';

/**
 * An incremental newline-delimited JSON parser: lines may be split anywhere across chunks, CRLF
 * is accepted, blank lines are skipped, and a final line without a newline is parsed by
 * {@link NdjsonParser.end}. A line that is not JSON throws a `MalformedResponseError`.
 *
 * @example
 * const parser = new NdjsonParser();
 * parser.push('{"a":1}\n{"b"'); // [{ a: 1 }]
 * parser.push(':2}\n');         // [{ b: 2 }]
 */
export class NdjsonParser {
  private buffer = '';
  private lineNumber = 0;

  /** Feeds decoded text; returns the values of the lines completed by it. */
  push(text: string): unknown[] {
    this.buffer += text;
    const values: unknown[] = [];
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      const value = this.parse(line);
      if (value !== undefined) values.push(value);
      newline = this.buffer.indexOf('\n');
    }
    return values;
  }

  /** Parses what is left at the end of the stream. */
  end(): unknown[] {
    const rest = this.buffer;
    this.buffer = '';
    const value = this.parse(rest);
    return value === undefined ? [] : [value];
  }

  private parse(raw: string): unknown {
    this.lineNumber += 1;
    const line = raw.trim();
    if (line === '') return undefined;
    try {
      return JSON.parse(line) as unknown;
    } catch (error) {
      const start = line.slice(0, 40);
      throw new MalformedResponseError(
        `line ${this.lineNumber} of the NDJSON stream is not JSON ("${start}")`,
        {
          cause: error,
        },
      );
    }
  }
}
