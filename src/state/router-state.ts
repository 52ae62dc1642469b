/**
 * Router state behind small store interfaces. Every method is async so a networked store (SQL,
 * later Redis) fits the same shape; the in-memory implementations are in `memory/`. Values are
 * plain JSON-able records: the state layer knows nothing of the components that keep them.
 */

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
export interface BreakerStateStore {
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
}

/** Provider health, per provider. */
export interface HealthStore {
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
export interface FailureHistoryStore {
  record(jobId: string, failure: StoredFailure): Promise<void>;
  list(jobId: string): Promise<StoredFailure[]>;
  /** Forgets the job (it ended). */
  clear(jobId: string): Promise<void>;
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
