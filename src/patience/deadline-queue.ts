import { small } from './rare-state.js';

/** An item a {@link DeadlineQueue} can hold: the queue keeps its position in `queueIndex`. */
export interface Deadlined {
  /** When the item is due, in the queue owner's ms (epoch ms, or ms after an epoch of its own). Set by {@link DeadlineQueue.push}. */
  deadline: number;
  /** Tie-breaker: items due at the same ms come out in push order. Set by {@link DeadlineQueue.push}. */
  queueSeq: number;
  /** Position in the queue, or -1 when not queued. Owned by the queue. */
  queueIndex: number;
}

/**
 * A binary min-heap of deadlines with removal by handle (the item remembers its index), so one
 * timer can serve many monitored calls: O(log n) push, remove and pop, O(1) peek. Items due at the
 * same millisecond come out in the order they were pushed, as separate timers would have fired.
 * Kept hand-written: the generic heap packages lack O(log n) removal by handle, which is what
 * lets a finished call leave the queue without a scan (one timer for thousands of calls).
 *
 * @example
 * const q = new DeadlineQueue<Deadlined>();
 * const item = { deadline: 0, queueSeq: 0, queueIndex: -1 };
 * q.push(item, Date.now() + 5_000);
 * q.peek() === item; // true
 * q.remove(item);
 */
export class DeadlineQueue<T extends Deadlined> {
  private readonly heap: T[] = [];
  private seq = 0;

  /** Number of queued items. */
  get size(): number {
    return this.heap.length;
  }

  /** The earliest item, or undefined when empty. */
  peek(): T | undefined {
    return this.heap[0];
  }

  /** Whether `item` is queued. */
  has(item: T): boolean {
    return item.queueIndex >= 0 && this.heap[item.queueIndex] === item;
  }

  /** Queues `item` due at `deadline` (re-queues it when already queued). */
  push(item: T, deadline: number): void {
    if (this.has(item)) this.remove(item);
    // A small integer stays unboxed in the item; an integral heap number would box the field.
    item.deadline = small(deadline);
    item.queueSeq = ++this.seq;
    item.queueIndex = this.heap.length;
    this.heap.push(item);
    this.up(item.queueIndex);
  }

  /** Removes and returns the earliest item. */
  pop(): T | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  /** Removes `item`; does nothing when it is not queued. */
  remove(item: T): void {
    if (!this.has(item)) return;
    const index = item.queueIndex;
    const last = this.heap.pop() as T;
    item.queueIndex = -1;
    if (last === item) return;
    this.heap[index] = last;
    last.queueIndex = index;
    this.down(index);
    this.up(last.queueIndex);
  }

  private less(a: T, b: T): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.queueSeq < b.queueSeq);
  }

  private up(start: number): void {
    const { heap } = this;
    let i = start;
    const item = heap[i] as T;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as T;
      if (!this.less(item, parent)) break;
      heap[i] = parent;
      parent.queueIndex = i;
      i = parentIndex;
    }
    heap[i] = item;
    item.queueIndex = i;
  }

  private down(start: number): void {
    const { heap } = this;
    const n = heap.length;
    let i = start;
    const item = heap[i] as T;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && this.less(heap[right] as T, heap[left] as T)) child = right;
      const smaller = heap[child] as T;
      if (!this.less(smaller, item)) break;
      heap[i] = smaller;
      smaller.queueIndex = i;
      i = child;
    }
    heap[i] = item;
    item.queueIndex = i;
  }
}
