import type { ErrorCategory } from '../domain/error-category.js';
import type { Usage } from '../domain/provider.js';

/** One completed provider call, as recorded by the gateway for performance tracking. */
export interface CallRecord {
  /** Provider id. */
  provider: string;
  /** Operation, e.g. `chat`, `synthesize`, `renderImage`, `renderVideo`, `healthCheck`. */
  operation: string;
  /** When the call started (ms since the Unix epoch). */
  startedAt: number;
  /** How long the call took, in ms. */
  latencyMs: number;
  /** Ms until the first heartbeat that showed progress, when there was one. */
  timeToFirstProgressMs?: number;
  /** Whether the call succeeded. */
  ok: boolean;
  /** Error category of a failed call. */
  category?: ErrorCategory;
  /** What the call cost, in US dollars. */
  costUsd?: number;
  /** Units of work the call consumed. */
  usage?: Usage;
  /** Output quality, 0 (worst) … 10 (best), when something judged it. */
  qualityScore?: number;
}

/**
 * Durable storage of raw {@link CallRecord}s. The performance tracker keeps its own bounded
 * aggregates; a store is for durability and later analysis (memory here; SQL implementations
 * belong to the state layer).
 */
export interface CallRecordStore {
  /** Appends one record. */
  append(record: CallRecord): Promise<void>;
  /** Records of one provider that started at or after `fromMs`, oldest first. */
  since(provider: string, fromMs: number): Promise<CallRecord[]>;
}
