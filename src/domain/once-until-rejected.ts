/**
 * Wraps `load` so that its promise is kept and shared by every later call (with the arguments of
 * the call that started it); a promise that rejects is forgotten, so the next call tries again.
 * For a listing that is expensive and stable once it works (e.g. a speech engine's voices).
 *
 * @example
 * const voices = onceUntilRejected((signal?: AbortSignal) => listVoices(signal));
 * await voices(signal); // runs listVoices; later calls share its result
 */
export function onceUntilRejected<A extends unknown[], T>(
  load: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  let kept: Promise<T> | undefined;
  return (...args) => {
    if (!kept) {
      const pending = load(...args);
      kept = pending;
      pending.catch(() => {
        if (kept === pending) kept = undefined;
      });
    }
    return kept;
  };
}
