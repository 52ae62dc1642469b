/**
 * Router state behind small store interfaces. Every method is async so a networked store (SQL,
 * Redis) fits the same shape; the in-memory implementations are in `memory/`, the tiered ones
 * (L1 + Redis + durable) in `tiers/`. Values are plain JSON-able records: the state layer knows
 * nothing of the components that keep them. Components keep a synchronous in-process copy (L1)
 * and write through; a store shared between processes tells them about others' writes through
 * `watch`, so that they drop or refresh their copy.
 */
import type { BreakerInput, BreakerState, BreakerStep, BreakerThresholds } from '../domain/breaker-state.js';

/** Stops a {@link WatchableStore.watch} subscription. */
export type Unwatch = () => void;

/** A store that announces writes made by other processes (a shared store; memory ones need not). */
export interface WatchableStore {
  /**
   * Calls `listener` with the key (provider id, job id) another process wrote, or `'*'` when any
   * key may have changed (e.g. after change messages were missed).
   */
  watch?(listener: (key: string) => void): Unwatch;
}

/** One charge against budgets. */
export interface SpendRecord {
  provider: string;
  usd: number;
  jobId?: string;
  /** Ms since the Unix epoch. */
  at: number;
}

/** Filter of {@link SpendStore.total}: every given field must match. */
export interface SpendTotalQuery {
  jobId?: string;
  provider?: string;
  /** Only spend at or after this time (ms since the Unix epoch), e.g. the start of the UTC day. */
  sinceMs?: number;
}

/** Spend against budgets, shared by every process on one store (budgets survive restarts). */
export interface SpendStore {
  add(record: SpendRecord): Promise<void>;
  /** Sum in US dollars of the matching records (0 when none). */
  total(query: SpendTotalQuery): Promise<number>;
}

/**
 * A counter a budget is judged on: one job's spend (all providers, its lifetime), or one
 * provider's spend over the UTC days whose `YYYY-MM-DD` key starts with `period` (a day
 * `2026-12-02` or a month `2026-12`).
 */
export type SpendCounter =
  | { kind: 'job'; jobId: string }
  | { kind: 'provider'; provider: string; period: string };

/** A counter's name, unique per counter: `job:<id>` or `provider:<id>:<period>`. */
export function spendCounterName(counter: SpendCounter): string {
  return counter.kind === 'job' ? `job:${counter.jobId}` : `provider:${counter.provider}:${counter.period}`;
}

/** One budget a hold must fit under. */
export interface SpendLimit {
  counter: SpendCounter;
  limitUsd: number;
}

/** A call's estimate held against every budget it is subject to, before the call runs. */
export interface SpendHoldRequest {
  /** Unique per call; names the hold for its release. */
  holdId: string;
  /** The call's estimated cost, US dollars. */
  usd: number;
  limits: readonly SpendLimit[];
  /** After this long a hold nobody released (its process died) stops counting. */
  ttlMs: number;
  /** Ms since the Unix epoch (holds older than `ttlMs` are dropped). */
  now: number;
}

/** Outcome of {@link SpendLedger.hold}: admitted, or the first limit (by index) it did not fit. */
export type SpendHoldResult = { admitted: true } | { admitted: false; index: number; spentUsd: number };

/**
 * Spend holds shared by every process: one atomic check-and-hold over all of a call's budgets
 * (spend recorded in the shared {@link SpendStore} counters + holds of calls in flight + this
 * estimate ≤ limit, for each), so concurrent calls on any number of instances never together
 * pass a limit by more than one call's estimate.
 */
export interface SpendLedger {
  hold(request: SpendHoldRequest): Promise<SpendHoldResult>;
  /** Drops a hold (its call ended; its actual spend, if any, is recorded in the store by then). */
  releaseHold(holdId: string, counters: readonly SpendCounter[]): Promise<void>;
}

/** A decision waiting for a person's answer, as stored (the full request in `data`). */
export interface StoredPendingDecision {
  jobId: string;
  decisionId: string;
  /** ISO-8601 time the decision was requested. */
  requestedAt: string;
  /** The pending decision as the patience layer describes it (JSON). */
  data: Record<string, unknown>;
}

/** Pending decisions, at most one per job. */
export interface PendingDecisionStore {
  /** Stores the job's pending decision, replacing any. */
  put(decision: StoredPendingDecision): Promise<void>;
  get(jobId: string): Promise<StoredPendingDecision | undefined>;
  /** Removes the job's pending decision when it is `decisionId` (answered or withdrawn). */
  remove(jobId: string, decisionId: string): Promise<void>;
  list(): Promise<StoredPendingDecision[]>;
}

/** Circuit breaker states per provider (the breaker's plain, validated JSON form). */
export interface BreakerStateStore extends WatchableStore {
  get(provider: string): Promise<unknown | undefined>;
  set(provider: string, state: unknown): Promise<void>;
}

/** The last health check of a provider. */
export interface StoredHealth {
  healthy: boolean;
  latencyMs: number;
  message: string;
  /** Ms since the Unix epoch. */
  checkedAt: number;
  /** Fraction 0–1 of successful checks among `recent`. */
  uptime?: number;
  /** Failed checks since the last successful one. */
  consecutiveFailures?: number;
  /** Results of the most recent checks, oldest first (the uptime window). */
  recent?: boolean[];
}

/** Provider health, per provider. */
export interface HealthStore extends WatchableStore {
  get(provider: string): Promise<StoredHealth | undefined>;
  set(provider: string, health: StoredHealth): Promise<void>;
}

/** One failure of a provider on a stage of a job. */
export interface StoredFailure {
  stage: string;
  provider: string;
  category: string;
  /** Ms since the Unix epoch. */
  at: number;
}

/** Per-job failure history (a provider that failed a stage is not picked again for it). */
export interface FailureHistoryStore extends WatchableStore {
  record(jobId: string, failure: StoredFailure): Promise<void>;
  list(jobId: string): Promise<StoredFailure[]>;
  /** Forgets the job (it ended). */
  clear(jobId: string): Promise<void>;
}

/** A breaker's state with the version of the transition that produced it. */
export interface VersionedBreakerState {
  state: BreakerState;
  /** 0 for a breaker that never transitioned. */
  version: number;
}

/** A transition's step with the version it produced (or found, when nothing changed). */
export type VersionedBreakerStep = BreakerStep & { version: number };

/** A breaker change announced by any instance. */
export interface BreakerChange {
  provider: string;
  state: BreakerState;
  version: number;
  /** Id of the instance whose transition it was. */
  origin: string;
}

/**
 * Breaker state shared by every instance with strong consistency: each transition runs as one
 * atomic compare-and-set on the shared copy (Redis), and every change is announced.
 */
export interface SharedBreakerStore {
  /** Id carried in this instance's announcements. */
  readonly instanceId: string;
  /** The shared state (closed at version 0 when never touched). */
  get(provider: string): Promise<VersionedBreakerState>;
  /** Applies `input` atomically at time `now` (ms since the epoch) and returns the step. */
  transition(
    provider: string,
    input: BreakerInput,
    thresholds: BreakerThresholds,
    now?: number,
  ): Promise<VersionedBreakerStep>;
  /** Calls `listener` for every change of any instance; resolves to the unsubscribe. */
  subscribe(listener: (change: BreakerChange) => void): Promise<() => Promise<void>>;
}

/**
 * The router's state stores. Performance samples have theirs in `routing/call-record.ts`
 * (`CallRecordStore`).
 */
export interface RouterStateStores {
  spend: SpendStore;
  pendingDecisions: PendingDecisionStore;
  breakers: BreakerStateStore;
  health: HealthStore;
  failures: FailureHistoryStore;
}
