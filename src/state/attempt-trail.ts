/** One upstream attempt of the OpenAI-compatible endpoint, as the audit trail keeps it. */
export interface UpstreamAttemptRecord {
  /** Audit key: `session:<id>` or `request:<correlation id>` (the same key as the switches). */
  key: string;
  correlationId: string;
  /** Model group the request named. */
  group: string;
  /** Deployment tried. */
  deployment: string;
  /** 1-based attempt number within the request (all deployments). */
  attempt: number;
  /** `ok` (it answered), `failed`, or `skipped` (circuit open or budget spent: not called). */
  outcome: 'ok' | 'failed' | 'skipped';
  /** Why it failed or was skipped: error category, `circuit_open` or `budget`. */
  reason?: string;
  /** Upstream HTTP status, when one came. */
  status?: number;
  /** ISO-8601 time the attempt started. */
  startedAt: string;
  elapsedMs: number;
  /** True for a recovery attempt after the client had received content. */
  midStream: boolean;
}

/**
 * The attempt side of the audit trail: every upstream attempt (answered, failed or skipped),
 * next to the switch decisions of {@link AuditTrail}. Append-only; appended in batches.
 */
export interface AttemptTrail {
  /** Appends records in order. */
  append(records: readonly UpstreamAttemptRecord[]): Promise<void>;
  /** Attempts under one audit key, oldest first (empty when none). */
  history(key: string): Promise<UpstreamAttemptRecord[]>;
  /**
   * Retention: deletes the attempts that started before `startedBefore` (epoch ms); resolves with
   * how many went. Optional: a trail without it keeps its own bound (the memory trail's).
   */
  prune?(startedBefore: number): Promise<number>;
}
