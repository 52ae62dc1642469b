import { PassThrough } from 'node:stream';
import type { CliIo, CliOutput } from './cli-io.js';

/** A {@link CliOutput} that keeps what was written (for tests). */
export class MemoryOutput implements CliOutput {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** A {@link CliIo} with in-memory streams, for running commands inside a test. */
export function memoryIo(options: { env?: NodeJS.ProcessEnv; cwd?: string; tty?: boolean } = {}): CliIo & {
  stdout: MemoryOutput;
  stderr: MemoryOutput;
  stdin: PassThrough;
} {
  return {
    stdout: new MemoryOutput(options.tty ?? false),
    stderr: new MemoryOutput(options.tty ?? false),
    stdin: new PassThrough(),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
}
