/** One progress report of a running FFmpeg command (from `-progress pipe:1`). */
export interface FfmpegProgress {
  /** Percent of `durationMs` encoded so far, 0–100; undefined when no duration was given. */
  percent: number | undefined;
  /** Milliseconds of output written so far. */
  outTimeMs: number;
  /** Encoding speed relative to real time (e.g. 2.5 for `2.5x`); undefined while FFmpeg reports N/A. */
  speed: number | undefined;
  /** Video frames written so far (0 for audio-only commands). */
  frame: number;
  /** True on the last block (`progress=end`). */
  done: boolean;
}

/**
 * Turns one `-progress` block (its `key=value` pairs) into a {@link FfmpegProgress}.
 * `out_time_us` is preferred; `out_time_ms` also holds MICROseconds (an old FFmpeg naming bug),
 * and `out_time` (`HH:MM:SS.micro`) is the last resort.
 */
export function progressFromBlock(fields: ReadonlyMap<string, string>, durationMs?: number): FfmpegProgress {
  const micros = numberOrUndefined(fields.get('out_time_us')) ?? numberOrUndefined(fields.get('out_time_ms'));
  const outTimeMs = Math.max(0, micros !== undefined ? micros / 1000 : parseClock(fields.get('out_time')));
  const speedText = fields.get('speed')?.trim().replace(/x$/, '');
  const frame = numberOrUndefined(fields.get('frame')) ?? 0;
  const done = fields.get('progress') === 'end';
  let percent: number | undefined;
  if (durationMs !== undefined && durationMs > 0) {
    percent = done ? 100 : Math.min(100, Math.max(0, (outTimeMs / durationMs) * 100));
  }
  return { percent, outTimeMs, speed: numberOrUndefined(speedText), frame, done };
}

/**
 * Incremental parser of FFmpeg's `-progress` output: feed it stdout chunks as they arrive (lines
 * may be split across chunks); it calls `onBlock` once per completed block (a block ends with a
 * `progress=continue` or `progress=end` line).
 *
 * @example
 * const parser = new ProgressParser((p) => console.log(p.percent), 10_000);
 * child.stdout.on('data', (chunk) => parser.push(String(chunk)));
 */
export class ProgressParser {
  private buffer = '';
  private fields = new Map<string, string>();

  constructor(
    private readonly onBlock: (progress: FfmpegProgress) => void,
    private readonly durationMs?: number,
  ) {}

  /** Feeds a chunk of stdout text. */
  push(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      this.line(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private line(line: string): void {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    this.fields.set(key, value);
    if (key === 'progress') {
      const block = this.fields;
      this.fields = new Map();
      this.onBlock(progressFromBlock(block, this.durationMs));
    }
  }
}

function numberOrUndefined(text: string | undefined): number | undefined {
  if (text === undefined || text === '' || text === 'N/A') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

function parseClock(text: string | undefined): number {
  const match = text?.match(/^(-?)(\d+):(\d+):(\d+(?:\.\d+)?)$/);
  if (!match) return 0;
  const ms = (Number(match[2]) * 3600 + Number(match[3]) * 60 + Number(match[4])) * 1000;
  return match[1] === '-' ? -ms : ms;
}
