import type { FallbackPolicy } from '../domain/fallback.js';
import type { HeartbeatKind } from '../domain/heartbeat.js';
import type { ProviderType } from '../domain/provider-type.js';

/**
 * The state of a monitored call that most calls never need, in one record allocated on first
 * use: stall episodes and suppression windows (a stall), the heartbeat poller (a polling
 * strategy), the operation's promise (an interrupt grace), and the facts of a call made outside
 * the call pipeline that a pipeline call reads from its context. Thousands of calls wait at once;
 * a plain pending call carries none of these fields, only one reference that stays undefined. A
 * call that needs the record pays for all of it (112 B, where the fields it holds took
 * 80 B of every call).
 *
 * @example
 * const rare = (entry.rare ??= new RareState());
 * rare.stallEpisodes++;
 */
export class RareState {
  /** Stall episodes so far. */
  stallEpisodes = 0;
  /** Epoch ms until which stall reports are suppressed (0 = not suppressed). */
  suppressedUntil = 0;
  /** Epoch ms the open stall episode began, or undefined outside a stall. */
  stallStartedAt: number | undefined = undefined;
  /** The call's provider type when it is not its profile's (a monitor input that says otherwise). */
  providerType: ProviderType | undefined = undefined;
  /** The call's heartbeat kind when it is none of the known ones. */
  heartbeatKind: HeartbeatKind | undefined = undefined;
  /** Stops the call's heartbeat poller. */
  stopPoller: (() => void) | undefined = undefined;
  /** The operation's promise, kept while an interrupt grace may wait for it. */
  working: Promise<unknown> | undefined = undefined;
  /** A call outside the pipeline (or unlike its context): its attempt, caller signal and policy. */
  attempt = 1;
  signal: AbortSignal | undefined = undefined;
  policy: FallbackPolicy | undefined = undefined;
  /** The settler's start time when it is far from the run's (clocks apart). */
  settlerStartedAt = 0;
}

/**
 * `value` as a small integer when it is one (an unboxed field value), else unchanged: the result
 * of arithmetic on epoch ms can be a heap number even when it is integral.
 */
export function small(value: number): number {
  const int = value | 0;
  return int === value ? int : value;
}
