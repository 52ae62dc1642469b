/**
 * The JSON shapes of the HTTP API, shared by the server and the client SDK. Type-only: nothing
 * here reaches the client bundle at run time.
 */
import type { FailureDetails } from '../domain/events.js';
import type { FallbackDecision, FallbackPolicy, StallOption } from '../domain/fallback.js';
import type { ApiJobStatus } from '../jobs/job-record.js';
import type {
  GatewayStatsView,
  PendingDecisionView,
  ProviderInfo,
  ReadinessReport,
} from '../jobs/reelay-service.js';

export type { ApiJobStatus, GatewayStatsView, PendingDecisionView, ProviderInfo, ReadinessReport };

/** One invalid field of a request, as listed in a problem's `errors`. */
export interface ProblemField {
  /** Dotted path, e.g. `options.fps`, or `(body)` for the body as a whole. */
  field: string;
  message: string;
}

/** An RFC 9457 problem details body (`application/problem+json`), with Reelay's extensions. */
export interface ProblemDetails {
  /** `https://reelay.dev/problems/<code in kebab case without REELAY_ERR_>`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request URL that failed. */
  instance: string;
  /** Stable Reelay error code, `REELAY_ERR_…`. */
  code: string;
  correlationId: string;
  /** ISO-8601 time of the error. */
  timestamp: string;
  /** Invalid fields, for validation errors. */
  errors?: ProblemField[];
  /** Readiness checks, on a 503 from `/health/ready`. */
  checks?: ReadinessReport['checks'];
}

/** Body of `202` from `POST /api/video/generate`. */
export interface GenerateResponse {
  jobId: string;
  status: ApiJobStatus;
  /** Where the video will be downloadable once the job completes. */
  videoUrl: string;
  createdAt: string;
  correlationId: string;
}

/** A completed pipeline step of a job. */
export interface StepView {
  stepId: string;
  sizeBytes: number;
  sha256: string;
  completedAt: string;
}

/** The rendered output as the API shows it (server file paths are never exposed). */
export interface OutputView {
  durationSeconds: number;
  sizeBytes: number;
  width: number;
  height: number;
}

/** Links of a job's resources. */
export interface JobLinks {
  self: string;
  stream: string;
  download: string;
  metadata: string;
  cancel: string;
  decisions: string;
}

/** Body of `GET /api/video/{id}/status` (and of cancel, and the items of `GET /api/jobs`). */
export interface JobStatusView {
  jobId: string;
  status: ApiJobStatus;
  /** Overall progress 0–100. */
  percent: number;
  stage: string | null;
  message: string;
  etaSeconds: number | null;
  fallbackPolicy: FallbackPolicy;
  attempts: number;
  /** Completed steps; empty in job lists. */
  steps: StepView[];
  error: FailureDetails | null;
  output: OutputView | null;
  /** Download URL once completed, else null. */
  videoUrl: string | null;
  correlationId: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  links: JobLinks;
}

/** Body of `GET /api/jobs`. */
export interface JobListResponse {
  items: JobStatusView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Body of `GET /api/video/{id}/metadata`, read from the rendered file with ffprobe. */
export interface VideoMetadata {
  jobId: string;
  durationSeconds: number;
  width: number | null;
  height: number | null;
  codec: string | null;
  fps: number | null;
  sizeBytes: number;
  audioCodec: string | null;
  formatName: string;
  /** File names (not paths) of the job's artifacts. */
  artifacts: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Body of `GET /api/jobs/{id}/decisions`. */
export interface DecisionListResponse {
  jobId: string;
  decisions: FallbackDecision[];
}

/** Body of `GET /api/jobs/{id}/decisions/pending`. */
export interface PendingDecisionResponse {
  jobId: string;
  pending: PendingDecisionView | null;
}

/** Body of `POST /api/jobs/{id}/decisions`. */
export interface DecisionAnswer {
  option: StallOption;
  /** Required for `try_alternative`. */
  provider?: string;
  /** When given, must match the pending decision. */
  decisionId?: string;
}

/** Body of `200` from `POST /api/jobs/{id}/decisions`. */
export interface DecisionAnsweredResponse {
  jobId: string;
  answered: DecisionAnswer;
}

/** Body of `GET /api/providers`. */
export interface ProviderListResponse {
  providers: ProviderInfo[];
}

/** Body of `POST /api/providers/{id}/circuit`. */
export interface CircuitResponse {
  provider: string;
  state: string;
}
