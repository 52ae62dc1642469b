import type { Clock, TimerHandle } from '../domain/clock.js';
import type { Disposable } from '../domain/disposable.js';
import type { StoredEvent } from '../domain/events.js';
import type { EventLog } from '../state/event-log.js';

/** Options of {@link followJobEvents}. */
export interface FollowJobEventsOptions {
  /** The event log (its `subscribe` sees appends made through this process only). */
  events: EventLog;
  /** Timer source of the poll. */
  clock: Clock;
  /** True when other processes append to the same log: the log is also polled. @default false */
  sharedStore?: boolean;
  /** Poll interval of a shared log, in ms (with `wake`, only the backstop). @default 500 */
  pollMs?: number;
  /**
   * Wake-ups when another process appended events of the job (PostgreSQL `LISTEN/NOTIFY`): the log
   * is read at once instead of at the next poll. @default none
   */
  wake?: (jobId: string, listener: () => void) => Disposable;
  /**
   * Deliver events after this id (a replay, then live). Without it, delivery starts with the
   * events appended from about now on. Replays need a shared store (they are read by the poll).
   * @default undefined (from now on)
   */
  afterId?: number;
}

/**
 * Live events of one job, each id delivered once and in order. Events appended in this process
 * arrive at once; on a shared store the log is also read every `pollMs`. On a shared store a local
 * event is delivered at once only when it directly follows the last delivered id (per-job ids are
 * contiguous there); otherwise the log is read at once (not at the next poll) and delivers it after
 * the ids before it, so an event another process appended just before it is never skipped.
 *
 * @example
 * const sub = followJobEvents(jobId, (e) => send(e), { events, clock, sharedStore: true });
 * // later
 * sub.dispose();
 */
export function followJobEvents(
  jobId: string,
  listener: (event: StoredEvent) => void,
  options: FollowJobEventsOptions,
): Disposable {
  const { events, clock } = options;
  const shared = options.sharedStore === true;
  let lastId = shared && options.afterId !== undefined ? options.afterId : -1;
  let stopped = false;
  const deliver = (event: StoredEvent): void => {
    if (stopped || (lastId >= 0 && event.id <= lastId)) return;
    lastId = event.id;
    listener(event);
  };
  // First local id seen before the poll knew where to start: the poll starts no later than it.
  let firstLocal: number | undefined;
  let readNow: () => void = () => {};
  const local = events.subscribe(jobId, (event) => {
    if (!shared || (lastId >= 0 && event.id === lastId + 1)) deliver(event);
    else {
      if (lastId < 0) firstLocal ??= event.id;
      // A gap before it (or the start not read yet): read the log now, not at the next poll.
      if (event.id > lastId) readNow();
    }
  });
  if (!shared) return local;
  let handle: TimerHandle | undefined;
  let reading = false;
  let again = false;
  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    if (handle !== undefined) clock.clearTimeout(handle);
    handle = undefined;
    try {
      if (lastId < 0) {
        const last = await events.lastId(jobId);
        lastId = Math.min(last, (firstLocal ?? Number.POSITIVE_INFINITY) - 1);
      }
      for (const event of await events.read(jobId, lastId)) deliver(event);
    } catch {
      // A transient store error: the next tick reads again from the last delivered id.
    }
    reading = false;
    if (again && !stopped) {
      again = false;
      void tick();
      return;
    }
    if (!stopped) handle = clock.setTimeout(() => void tick(), options.pollMs ?? 500);
  };
  readNow = () => void tick();
  const woken = options.wake?.(jobId, () => void tick());
  void tick();
  return {
    dispose: () => {
      stopped = true;
      if (handle !== undefined) clock.clearTimeout(handle);
      woken?.dispose();
      local.dispose();
    },
  };
}
