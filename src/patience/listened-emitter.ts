import { type Disposable, TypedEmitter } from '../domain/disposable.js';

/**
 * A {@link TypedEmitter} that knows whether anyone listens to an event type, so a hot path can
 * skip building an event (and its ISO timestamp) nobody would receive. Delivery is unchanged.
 *
 * @example
 * const emitter = new ListenedEmitter<GatewayEvent>();
 * if (emitter.listens('request-start')) emitter.emit({ type: 'request-start', ... });
 */
export class ListenedEmitter<E extends { type: string }> extends TypedEmitter<E> {
  private readonly counts = new Map<string, number>();
  private anyCount = 0;

  /** Listens to one event type. */
  override on<T extends E['type']>(type: T, listener: (event: Extract<E, { type: T }>) => void): Disposable {
    const sub = super.on(type, listener);
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    return this.counted(sub, () => this.counts.set(type, (this.counts.get(type) ?? 1) - 1));
  }

  /** Listens to every event. */
  override onAny(listener: (event: E) => void): Disposable {
    const sub = super.onAny(listener);
    this.anyCount++;
    return this.counted(sub, () => {
      this.anyCount--;
    });
  }

  /** True when an event of `type` would reach at least one listener. */
  listens(type: E['type']): boolean {
    return this.anyCount > 0 || (this.counts.get(type) ?? 0) > 0;
  }

  private counted(sub: Disposable, release: () => void): Disposable {
    let disposed = false;
    return {
      dispose: () => {
        if (disposed) return;
        disposed = true;
        sub.dispose();
        release();
      },
    };
  }
}
