import { createInterface, type Interface } from 'node:readline';

/**
 * Reads answers one line at a time from a stream (the terminal, or a pipe), without taking the
 * terminal out of cooked mode: the terminal echoes and edits the line, and Ctrl-C still reaches
 * the process as SIGINT. Lines typed before anyone asks are kept for the next question.
 */
export class LineReader {
  private rl: Interface | null = null;
  private readonly queued: string[] = [];
  private waiter: ((line: string | null) => void) | null = null;
  private ended = false;

  constructor(private readonly input: NodeJS.ReadableStream) {}

  /** The next line; null when the input ended or `signal` aborted first. */
  next(signal?: AbortSignal): Promise<string | null> {
    this.open();
    const queued = this.queued.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.ended || signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.waiter = null;
        resolve(null);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = (line) => {
        signal?.removeEventListener('abort', onAbort);
        this.waiter = null;
        resolve(line);
      };
    });
  }

  /** Stops reading (lets the process exit). */
  close(): void {
    this.rl?.close();
    this.rl = null;
  }

  private open(): void {
    if (this.rl || this.ended) return;
    const rl = createInterface({ input: this.input, terminal: false });
    rl.on('line', (line) => {
      if (this.waiter) this.waiter(line);
      else this.queued.push(line);
    });
    rl.on('close', () => {
      this.ended = true;
      this.waiter?.(null);
    });
    this.rl = rl;
  }
}
