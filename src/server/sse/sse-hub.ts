/**
 * The open SSE streams of one server, so closing the server ends them (an open stream would
 * otherwise keep `server.close()` waiting until every client leaves).
 */
export class SseHub {
  private readonly closers = new Set<() => void>();

  /** Registers a stream's closer; returns the function that unregisters it. */
  add(close: () => void): () => void {
    this.closers.add(close);
    return () => {
      this.closers.delete(close);
    };
  }

  /** Ends every open stream. */
  closeAll(): void {
    for (const close of [...this.closers]) close();
    this.closers.clear();
  }

  /** Number of open streams. */
  get size(): number {
    return this.closers.size;
  }
}
