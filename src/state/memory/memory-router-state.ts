import type {
  BreakerStateStore,
  FailureHistoryStore,
  HealthStore,
  PendingDecisionStore,
  RouterStateStores,
  SpendRecord,
  SpendStore,
  SpendTotalQuery,
  StoredFailure,
  StoredHealth,
  StoredPendingDecision,
} from '../router-state.js';

/** In-memory {@link SpendStore} (one process; lost on restart). */
export class MemorySpendStore implements SpendStore {
  private readonly records: SpendRecord[] = [];

  async add(record: SpendRecord): Promise<void> {
    this.records.push({ ...record });
  }

  async total(query: SpendTotalQuery): Promise<number> {
    let sum = 0;
    for (const r of this.records) {
      if (query.jobId !== undefined && r.jobId !== query.jobId) continue;
      if (query.provider !== undefined && r.provider !== query.provider) continue;
      if (query.sinceMs !== undefined && r.at < query.sinceMs) continue;
      sum += r.usd;
    }
    return sum;
  }
}

/** In-memory {@link PendingDecisionStore}. */
export class MemoryPendingDecisionStore implements PendingDecisionStore {
  private readonly byJob = new Map<string, StoredPendingDecision>();

  async put(decision: StoredPendingDecision): Promise<void> {
    this.byJob.set(decision.jobId, structuredClone(decision));
  }

  async get(jobId: string): Promise<StoredPendingDecision | undefined> {
    const found = this.byJob.get(jobId);
    return found ? structuredClone(found) : undefined;
  }

  async remove(jobId: string, decisionId: string): Promise<void> {
    if (this.byJob.get(jobId)?.decisionId === decisionId) this.byJob.delete(jobId);
  }

  async list(): Promise<StoredPendingDecision[]> {
    return [...this.byJob.values()].map((d) => structuredClone(d));
  }
}

/** In-memory {@link BreakerStateStore}. */
export class MemoryBreakerStateStore implements BreakerStateStore {
  private readonly states = new Map<string, unknown>();

  async get(provider: string): Promise<unknown | undefined> {
    const state = this.states.get(provider);
    return state === undefined ? undefined : structuredClone(state);
  }

  async set(provider: string, state: unknown): Promise<void> {
    this.states.set(provider, structuredClone(state));
  }
}

/** In-memory {@link HealthStore}. */
export class MemoryHealthStore implements HealthStore {
  private readonly health = new Map<string, StoredHealth>();

  async get(provider: string): Promise<StoredHealth | undefined> {
    const found = this.health.get(provider);
    return found ? { ...found } : undefined;
  }

  async set(provider: string, health: StoredHealth): Promise<void> {
    this.health.set(provider, { ...health });
  }
}

/** In-memory {@link FailureHistoryStore}. */
export class MemoryFailureHistoryStore implements FailureHistoryStore {
  private readonly byJob = new Map<string, StoredFailure[]>();

  async record(jobId: string, failure: StoredFailure): Promise<void> {
    const list = this.byJob.get(jobId) ?? [];
    list.push({ ...failure });
    this.byJob.set(jobId, list);
  }

  async list(jobId: string): Promise<StoredFailure[]> {
    return (this.byJob.get(jobId) ?? []).map((f) => ({ ...f }));
  }

  async clear(jobId: string): Promise<void> {
    this.byJob.delete(jobId);
  }
}

/** Every router state store in memory. */
export function createMemoryRouterState(): RouterStateStores {
  return {
    spend: new MemorySpendStore(),
    pendingDecisions: new MemoryPendingDecisionStore(),
    breakers: new MemoryBreakerStateStore(),
    health: new MemoryHealthStore(),
    failures: new MemoryFailureHistoryStore(),
  };
}
