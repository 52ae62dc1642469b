import type { CliOutput } from './cli-io.js';

const LEVELS: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const COLORS: Readonly<Record<number, string>> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'app', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /\s/.test(v) ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'message' in v && typeof v.message === 'string')
    return JSON.stringify(v.message);
  return JSON.stringify(v);
}

/**
 * One structured (JSON) log line as a human one: `12:04:05 INFO  message key=value …`, coloured
 * by level unless `color` is false. Lines that are not JSON pass through unchanged.
 *
 * @example
 * prettyLine('{"level":30,"time":0,"msg":"Job queued","jobId":"job_1"}\n', false);
 * // '00:00:00 INFO  Job queued jobId=job_1\n'
 */
export function prettyLine(line: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = typeof record.level === 'number' ? record.level : 30;
  const time =
    typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '--:--:--';
  const fields = Object.entries(record)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  const name = LEVELS[level] ?? String(level);
  const tint = color ? COLORS[level] : undefined;
  const label = tint ? `${tint}${name}\x1b[0m` : name;
  return `${time} ${label} ${String(record.msg ?? '')}${fields ? ` ${fields}` : ''}\n`;
}

/** How `serve` and `worker` write their logs: JSON lines, or human lines on a terminal. */
export type LogFormat = 'json' | 'pretty';

/** `auto` → pretty when stderr is a terminal, else JSON (for log collectors). */
export function logFormatFor(choice: string | undefined, stderr: CliOutput): LogFormat {
  if (choice === 'json' || choice === 'pretty') return choice;
  return stderr.isTTY === true ? 'pretty' : 'json';
}

/** A log destination that writes each JSON line to `out` in the human form of {@link prettyLine}. */
export function prettyLogStream(out: CliOutput, color: boolean): NodeJS.WritableStream {
  return {
    write(chunk: string | Uint8Array): boolean {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) if (line.trim() !== '') out.write(prettyLine(line, color));
      return true;
    },
  } as unknown as NodeJS.WritableStream;
}
