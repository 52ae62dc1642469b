/** A subscription or resource that can be released; disposing twice is harmless. */
export interface Disposable {
  dispose(): void;
}

/**
 * A minimal typed event emitter over a discriminated union (`type` field). Listeners that throw
 * are isolated: the error goes to `onListenerError` and other listeners still run.
 */
export class TypedEmitter<E extends { type: string }> {
  private readonly byType = new Map<string, Set<(event: E) => void>>();
  private readonly any = new Set<(event: E) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Listens to one event type. */
  on<T extends E['type']>(type: T, listener: (event: Extract<E, { type: T }>) => void): Disposable {
    let set = this.byType.get(type);
    if (!set) {
      set = new Set();
      this.byType.set(type, set);
    }
    const fn = listener as (event: E) => void;
    set.add(fn);
    return { dispose: () => set.delete(fn) };
  }

  /** Listens to every event. */
  onAny(listener: (event: E) => void): Disposable {
    this.any.add(listener);
    return { dispose: () => this.any.delete(listener) };
  }

  /** Delivers an event to its listeners synchronously. */
  emit(event: E): void {
    for (const fn of this.byType.get(event.type) ?? []) this.safe(fn, event);
    for (const fn of this.any) this.safe(fn, event);
  }

  /** Number of listeners (for leak checks). */
  listenerCount(): number {
    let n = this.any.size;
    for (const set of this.byType.values()) n += set.size;
    return n;
  }

  private safe(fn: (event: E) => void, event: E): void {
    try {
      fn(event);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}
