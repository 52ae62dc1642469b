/**
 * Write-through queue with one chain per key: writes to the same key run one after another in the
 * order they were queued (a slow write never lets an older value overwrite a newer one), writes to
 * different keys run independently. A failed write is reported to `onError` and does not stop the
 * chain; a key's entry is dropped once its last write settles, so the map holds only keys with
 * writes in flight.
 *
 * @example
 * const writes = new KeyedWrites((key, error) => log.warn({ key, error }, 'could not store'));
 * writes.queue('openai', () => store.set('openai', value));
 * await writes.flush();
 */
export class KeyedWrites {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  /** Queues `write` after the writes already queued for `key`. */
  queue(key: string, write: () => Promise<unknown>): void {
    const next = this.after(key)
      .then(write)
      .then(
        () => undefined,
        (error: unknown) => this.onError(key, error),
      );
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Resolves when every write queued so far for `key` has settled (never rejects). */
  after(key: string): Promise<void> {
    return this.chains.get(key) ?? Promise.resolve();
  }

  /** Resolves when every write queued so far has settled (never rejects). */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  /** Number of keys with writes in flight. */
  get size(): number {
    return this.chains.size;
  }
}
