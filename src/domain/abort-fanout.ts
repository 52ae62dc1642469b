/** Told once when the signal it subscribed to aborts. */
export interface AbortSubscriber {
  /** The signal aborted with `reason`. Called at most once per subscription. */
  onAbort(reason: unknown): void;
}

/** The subscribers of each signal that has had one; the signal holds the one listener. */
const fanouts = new WeakMap<AbortSignal, Set<AbortSubscriber>>();

/**
 * Subscribes to a signal's abort through ONE listener per signal, however many subscribe.
 * Many concurrent calls often share one caller signal (a job's, a request's): an abort listener
 * each would cost a Node `Listener` and a closure per call, and `addEventListener` walks the
 * signal's listener list on every add (quadratic in the number of calls). Here a subscriber is one
 * Set entry, added and removed in O(1); the listener stays on the signal for its lifetime.
 * On abort, subscribers are told in the order they subscribed, each once, and are removed.
 *
 * The caller checks `signal.aborted` first: subscribing to an aborted signal does nothing.
 *
 * @example
 * subscribeAbort(ctx.signal, run); // run.onAbort(reason) when it aborts
 * unsubscribeAbort(ctx.signal, run); // when the call settles
 */
export function subscribeAbort(signal: AbortSignal, subscriber: AbortSubscriber): void {
  let subscribers = fanouts.get(signal);
  if (subscribers === undefined) {
    const created = new Set<AbortSubscriber>();
    subscribers = created;
    fanouts.set(signal, created);
    signal.addEventListener('abort', () => notify(signal, created), { once: true });
  }
  subscribers.add(subscriber);
}

/** Ends a subscription made with {@link subscribeAbort}; unknown subscribers are ignored. */
export function unsubscribeAbort(signal: AbortSignal, subscriber: AbortSubscriber): void {
  fanouts.get(signal)?.delete(subscriber);
}

function notify(signal: AbortSignal, subscribers: Set<AbortSubscriber>): void {
  fanouts.delete(signal);
  let failure: { error: unknown } | undefined;
  for (const subscriber of subscribers) {
    subscribers.delete(subscriber);
    try {
      subscriber.onAbort(signal.reason);
    } catch (error) {
      failure ??= { error };
    }
  }
  // As a throwing listener of its own would: reported, without keeping the others from hearing.
  if (failure !== undefined) throw failure.error;
}
