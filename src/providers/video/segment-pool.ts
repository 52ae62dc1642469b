/**
 * Runs `work` over `items`, `concurrency` at a time (at least one, at most one per item). The
 * first failure aborts the signal handed to the others (killing their FFmpeg) and is thrown once
 * all have stopped; aborting `outer` stops the pool and throws its reason.
 */
export async function runSegmentPool<T>(
  items: readonly T[],
  outer: AbortSignal,
  concurrency: number,
  work: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const inner = new AbortController();
  const onAbort = (): void => inner.abort(outer.reason);
  if (outer.aborted) throw outer.reason;
  outer.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!inner.signal.aborted && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item, inner.signal);
      } catch (error) {
        failure ??= { error };
        inner.abort(error);
      }
    }
  };
  const width = Math.max(1, Math.min(concurrency, items.length));
  try {
    await Promise.all(Array.from({ length: width }, worker));
  } finally {
    outer.removeEventListener('abort', onAbort);
  }
  if (outer.aborted) throw outer.reason;
  if (failure) throw failure.error;
}
