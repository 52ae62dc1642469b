import { describe, expect, it } from 'vitest';
import { MemoryOutput } from './cli-test-io.js';
import { logFormatFor, prettyLine, prettyLogStream } from './pretty-log-stream.js';

describe('pretty logs', () => {
  it('turns a JSON record into time, level, message and fields', () => {
    const line = JSON.stringify({
      level: 40,
      time: 0,
      msg: 'Stall suspected',
      app: 'reelay',
      pid: 1,
      jobId: 'job_1',
      note: 'two words',
    });
    expect(prettyLine(line, false)).toBe('00:00:00 WARN  Stall suspected jobId=job_1 note="two words"\n');
    expect(prettyLine(line, true)).toContain('\x1b[33mWARN \x1b[0m');
    expect(prettyLine('not json\n', false)).toBe('not json\n');
  });

  it('auto is pretty on a terminal and JSON otherwise; an explicit choice wins', () => {
    expect(logFormatFor('auto', new MemoryOutput(true))).toBe('pretty');
    expect(logFormatFor(undefined, new MemoryOutput(false))).toBe('json');
    expect(logFormatFor('json', new MemoryOutput(true))).toBe('json');
  });

  it('the stream writes one human line per JSON line', () => {
    const out = new MemoryOutput();
    prettyLogStream(out, false).write(
      `${JSON.stringify({ level: 30, time: 0, msg: 'a' })}\n${JSON.stringify({ level: 50, time: 0, msg: 'b' })}\n`,
    );
    expect(out.text).toBe('00:00:00 INFO  a\n00:00:00 ERROR b\n');
  });
});
