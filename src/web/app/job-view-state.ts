import type { AlternativeOption, FailureDetails, ReelayEventOf } from '../../domain/events.js';
import type { FallbackDecision } from '../../domain/fallback.js';
import type { LatencyCategory } from '../../domain/latency.js';
import type { ProviderType } from '../../domain/provider-type.js';
import { STAGES, type Stage } from '../../domain/stages.js';

/** One pipeline stage as the job page shows it. */
export interface StageView {
  name: Stage;
  state: 'waiting' | 'running' | 'done' | 'failed';
  /** 0–100 within the stage, derived from the overall percentage and the stage weights. */
  percent: number;
  provider: string | null;
  durationMs: number | null;
}

/** The provider call the status drawer follows. */
export interface CallView {
  provider: string;
  providerType: ProviderType;
  stage: string;
  category: LatencyCategory;
  attempt: number;
  /** ISO time the call started. */
  startedAt: string;
  active: boolean;
}

/** A decision waiting for the user. */
export type PendingDecision = Omit<ReelayEventOf<'decision-required'>, 'type' | 'jobId' | 'timestamp'>;

/** One line of the audit timeline. */
export interface TimelineEntry {
  id: number;
  timestamp: string;
  tone: 'info' | 'ok' | 'warn' | 'error';
  title: string;
  /** Stable reason code (FallbackReason, error category, decision trigger), when there is one. */
  code: string | null;
  detail: string;
}

/** Everything the job page renders, folded from the job's events. */
export interface JobViewState {
  status: 'pending' | 'processing' | 'completed' | 'failed' | 'canceled';
  brief: string;
  percent: number;
  etaSeconds: number | null;
  message: string;
  stages: StageView[];
  call: CallView | null;
  pending: PendingDecision | null;
  /** The alternatives of the latest decision request (the fallback panel keeps showing them). */
  alternatives: AlternativeOption[];
  decisions: FallbackDecision[];
  timeline: TimelineEntry[];
  video: { url: string; durationSeconds: number } | null;
  error: FailureDetails | null;
  canceledReason: string | null;
  lastEventId: number;
}

/** The state before any event. */
export function initialJobState(): JobViewState {
  return {
    status: 'pending',
    brief: '',
    percent: 0,
    etaSeconds: null,
    message: 'Waiting for the job’s events…',
    stages: STAGES.map((name) => ({ name, state: 'waiting', percent: 0, provider: null, durationMs: null })),
    call: null,
    pending: null,
    alternatives: [],
    decisions: [],
    timeline: [],
    video: null,
    error: null,
    canceledReason: null,
    lastEventId: 0,
  };
}
