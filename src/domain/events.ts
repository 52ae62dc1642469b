import type { ErrorCategory } from './error-category.js';
import type { FallbackDecision, StallOption } from './fallback.js';
import type { Heartbeat } from './heartbeat.js';
import type { LatencyCategory } from './latency.js';
import type { ProviderType } from './provider-type.js';

/**
 * The one typed union of job and router events. The server's SSE frames, the client SDK's
 * listeners and the UI are all written against {@link ReelayEvent}; the event log assigns each
 * stored event a monotonically increasing `id` per job ({@link StoredEvent}).
 */
interface EventBase {
  /** Job (or chat session) the event belongs to. */
  jobId: string;
  /** ISO-8601 time the event happened. */
  timestamp: string;
  /** Correlation id of the job or request, when known. */
  correlationId?: string;
}

/** A provider call's identity, shared by router events. */
interface CallRef {
  provider: string;
  providerType: ProviderType;
  stage: string;
  /** Id of this provider call (one per `executeWithPatience`). */
  operationId: string;
}

/** A ranked alternative offered in a decision. */
export interface AlternativeOption {
  provider: string;
  /** Selection score 0–100. */
  score: number;
  reasons: string[];
}

/** Structured failure details (also the body of `error` events). */
export interface FailureDetails {
  code: string;
  message: string;
  stage?: string;
  provider?: string;
  category?: ErrorCategory;
  retryable: boolean;
  correlationId?: string;
  /** Every attempt that led here. */
  attempts?: AttemptRecord[];
}

/** One attempt of a provider call, kept inside final errors and events. */
export interface AttemptRecord {
  provider: string;
  attempt: number;
  category: ErrorCategory;
  message: string;
  /** Delay before the next attempt (0 when none followed). */
  delayMs: number;
  timestamp: string;
}

/** Every event Reelay emits. */
export type ReelayEvent =
  | (EventBase & { type: 'job-queued'; brief: string })
  | (EventBase & { type: 'job-started'; attempt: number })
  | (EventBase & {
      type: 'progress';
      percentage: number;
      stage: string;
      message: string;
      etaSeconds?: number;
    })
  | (EventBase & { type: 'stage-started'; stage: string; provider?: string })
  | (EventBase & { type: 'stage-complete'; stage: string; nextStage: string | null; durationMs: number })
  | (EventBase & { type: 'lock-created'; provider: string; providerType: ProviderType; stages: string[] })
  | (EventBase & { type: 'lock-released'; provider: string; reason: string })
  | (EventBase & CallRef & { type: 'request-start'; attempt: number })
  | (EventBase & CallRef & { type: 'heartbeat'; heartbeat: Heartbeat; progressed: boolean })
  | (EventBase & CallRef & { type: 'request-complete'; durationMs: number })
  | (EventBase &
      CallRef & {
        type: 'hard-error';
        category: ErrorCategory;
        message: string;
        retryable: boolean;
        attempt: number;
      })
  | (EventBase &
      CallRef & { type: 'retry-scheduled'; attempt: number; delayMs: number; category: ErrorCategory })
  | (EventBase &
      CallRef & {
        type: 'latency-category-changed';
        from: LatencyCategory;
        to: LatencyCategory;
        elapsedMs: number;
      })
  | (EventBase &
      CallRef & {
        type: 'stall-suspected';
        elapsedMs: number;
        sinceProgressMs: number;
        thresholdMs: number;
      })
  | (EventBase & CallRef & { type: 'stall-cleared'; stalledForMs: number })
  | (EventBase & {
      type: 'decision-required';
      decisionId: string;
      provider: string;
      stage: string;
      trigger: 'stall' | 'error';
      error?: FailureDetails;
      options: StallOption[];
      alternatives: AlternativeOption[];
    })
  | (EventBase & { type: 'decision-answered'; decisionId: string; option: StallOption; provider?: string })
  /** An answer given in another process, on its way to the process that holds the decision. */
  | (EventBase & {
      type: 'decision-answer-submitted';
      decisionId: string;
      option: StallOption;
      provider?: string;
    })
  | (EventBase & { type: 'fallback-decision'; decision: FallbackDecision })
  | (EventBase & {
      type: 'circuit-state-changed';
      provider: string;
      from: string;
      to: string;
      reason: string;
    })
  | (EventBase & { type: 'done'; videoUrl: string; outputPath: string; durationSeconds: number })
  | (EventBase & { type: 'error'; error: FailureDetails })
  | (EventBase & { type: 'canceled'; reason: string; partialArtifacts: string[] });

/** The `type` of any {@link ReelayEvent}. */
export type ReelayEventType = ReelayEvent['type'];

/** The event of a given type. */
export type ReelayEventOf<T extends ReelayEventType> = Extract<ReelayEvent, { type: T }>;

/** An event as stored in the event log: with its per-job monotonically increasing id. */
export type StoredEvent = ReelayEvent & { id: number };

/** Events that end a job's stream. */
export const TERMINAL_EVENT_TYPES: ReadonlySet<ReelayEventType> = new Set(['done', 'error', 'canceled']);
