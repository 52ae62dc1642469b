import type {
  CircuitResponse,
  DecisionAnswer,
  DecisionAnsweredResponse,
  DecisionListResponse,
  GatewayStatsView,
  GenerateResponse,
  JobListResponse,
  JobStatusView,
  PendingDecisionResponse,
  ProviderListResponse,
  VideoMetadata,
} from '../server/api-types.js';
import { ClientBreaker, type ClientBreakerState } from './client-breaker.js';
import {
  type ReelayClientOptions,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './client-options.js';
import { HttpTransport } from './http-transport.js';
import {
  type StreamProgressOptions,
  type StreamProgressResult,
  streamJobProgress,
} from './progress-stream.js';
import { type DownloadOptions, type DownloadResult, downloadJobVideo } from './video-download.js';

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Query of {@link ReelayClient.listJobs}. */
export interface ListJobsQuery {
  /** API status word: pending, processing, completed, failed, canceled. */
  status?: string;
  /** 1–500. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

const job = (id: string): string => encodeURIComponent(id);

/**
 * The Reelay SDK for Node 20 and browsers (only `fetch`, streams, `TextDecoder` and
 * `AbortController`). Idempotent calls (GET, cancel) are retried on network errors, 5xx and 429
 * with capped backoff; a client-side breaker stops calling a failing server for a while; errors
 * are {@link ReelayApiError}s built from the server's problem details.
 *
 * @example
 * const client = new ReelayClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.REELAY_KEY });
 * const { jobId } = await client.generateVideo({ brief: 'Explain how tides work for curious kids' });
 * await client.streamProgress(jobId, { onEvent: (e) => console.log(e.id, e.type) });
 * const { data } = await client.downloadVideo(jobId);
 */
export class ReelayClient {
  private readonly o: ResolvedClientOptions;
  private readonly breaker: ClientBreaker;
  private readonly http: HttpTransport;

  constructor(options: ReelayClientOptions) {
    this.o = resolveClientOptions(options);
    this.breaker = new ClientBreaker({
      failureThreshold: options.breakerFailureThreshold ?? 5,
      successThreshold: options.breakerSuccessThreshold ?? 2,
      openMs: options.breakerOpenMs ?? 60_000,
      clock: this.o.clock,
    });
    this.http = new HttpTransport(this.o, this.breaker);
  }

  /** State of the client-side breaker. */
  get breakerState(): ClientBreakerState {
    return this.breaker.state;
  }

  /** `POST /api/video/generate` (never retried: a retry could create a second job). */
  generateVideo(
    request: unknown,
    options: CallOptions & { correlationId?: string } = {},
  ): Promise<GenerateResponse> {
    return this.http.json({
      method: 'POST',
      path: '/api/video/generate',
      body: request ?? {},
      idempotent: false,
      ...(options.correlationId ? { headers: { 'x-correlation-id': options.correlationId } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** `GET /api/video/{id}/status`. */
  getStatus(id: string, options: CallOptions = {}): Promise<JobStatusView> {
    return this.get(`/api/video/${job(id)}/status`, options);
  }

  /** `GET /api/video/{id}/metadata` (read from the rendered file). */
  getMetadata(id: string, options: CallOptions = {}): Promise<VideoMetadata> {
    return this.get(`/api/video/${job(id)}/metadata`, options);
  }

  /** `POST /api/video/{id}/cancel` (idempotent in effect: retried). */
  cancel(id: string, options: CallOptions & { reason?: string } = {}): Promise<JobStatusView> {
    return this.http.json({
      method: 'POST',
      path: `/api/video/${job(id)}/cancel`,
      idempotent: true,
      ...(options.reason ? { body: { reason: options.reason } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** Follows a job's events until it ends (SSE with resume, then polling). */
  streamProgress(id: string, options: StreamProgressOptions): Promise<StreamProgressResult> {
    return streamJobProgress(
      this.http,
      this.o.sleep,
      id,
      (signal) => this.getStatus(id, signal ? { signal } : {}),
      options,
    );
  }

  /** Downloads the video (into memory or a sink), resumable with `resumeFrom`. */
  downloadVideo(id: string, options: DownloadOptions = {}): Promise<DownloadResult> {
    return downloadJobVideo(this.http, this.o.sleep, this.o.retries, this.o.retryCapMs, id, options);
  }

  /** `POST /api/jobs/{id}/decisions`: answers the pending decision (not retried). */
  answerDecision(
    id: string,
    answer: DecisionAnswer,
    options: CallOptions = {},
  ): Promise<DecisionAnsweredResponse> {
    return this.http.json({
      method: 'POST',
      path: `/api/jobs/${job(id)}/decisions`,
      body: answer,
      idempotent: false,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** `GET /api/jobs/{id}/decisions`: the job's audit trail. */
  listDecisions(id: string, options: CallOptions = {}): Promise<DecisionListResponse> {
    return this.get(`/api/jobs/${job(id)}/decisions`, options);
  }

  /** `GET /api/jobs/{id}/decisions/pending`. */
  pendingDecision(id: string, options: CallOptions = {}): Promise<PendingDecisionResponse> {
    return this.get(`/api/jobs/${job(id)}/decisions/pending`, options);
  }

  /** `GET /api/jobs`, a page at a time. */
  listJobs(query: ListJobsQuery = {}, options: CallOptions = {}): Promise<JobListResponse> {
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    const qs = params.toString();
    return this.get(`/api/jobs${qs ? `?${qs}` : ''}`, options);
  }

  /** `GET /api/providers`. */
  listProviders(options: CallOptions = {}): Promise<ProviderListResponse> {
    return this.get('/api/providers', options);
  }

  /** `POST /api/providers/{id}/circuit` (not retried). */
  setCircuit(
    providerId: string,
    action: 'open' | 'close' | 'isolate',
    options: CallOptions & { reason?: string } = {},
  ): Promise<CircuitResponse> {
    return this.http.json({
      method: 'POST',
      path: `/api/providers/${encodeURIComponent(providerId)}/circuit`,
      body: { action, ...(options.reason ? { reason: options.reason } : {}) },
      idempotent: false,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /** `GET /api/gateway/stats`. */
  gatewayStats(options: CallOptions = {}): Promise<GatewayStatsView> {
    return this.get('/api/gateway/stats', options);
  }

  private get<T>(path: string, options: CallOptions): Promise<T> {
    return this.http.json<T>({
      method: 'GET',
      path,
      idempotent: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
}
