import type { FallbackDecision, FallbackReason } from '../../domain/fallback.js';
import { redactDeep } from '../../domain/redact.js';
import type { AuditQuery, AuditTrail } from '../audit-trail.js';

/** In-memory {@link AuditTrail}: for tests and for the router used as a library. */
export class MemoryAuditTrail implements AuditTrail {
  private readonly decisions: FallbackDecision[] = [];
  private readonly ids = new Set<string>();

  async record(raw: FallbackDecision): Promise<void> {
    // Reasons may quote provider errors: credentials inside URLs are removed before storing.
    const decision = redactDeep(raw);
    if (this.ids.has(decision.id)) return;
    this.ids.add(decision.id);
    this.decisions.push(decision);
  }

  async history(jobId: string): Promise<FallbackDecision[]> {
    return this.decisions.filter((d) => d.jobId === jobId);
  }

  async query(query: AuditQuery): Promise<FallbackDecision[]> {
    const limit = query.limit ?? 100;
    return this.decisions
      .filter(
        (d) =>
          (query.jobId === undefined || d.jobId === query.jobId) &&
          (query.reason === undefined || d.reason === query.reason),
      )
      .reverse()
      .slice(0, limit);
  }

  async countByReason(): Promise<Partial<Record<FallbackReason, number>>> {
    const counts: Partial<Record<FallbackReason, number>> = {};
    for (const d of this.decisions) counts[d.reason] = (counts[d.reason] ?? 0) + 1;
    return counts;
  }
}
