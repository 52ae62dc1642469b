import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ReelayApiError } from '../client/api-error.js';
import type { FetchFn } from '../client/client-options.js';
import type { StreamProgressResult } from '../client/progress-stream.js';
import type { ReelayClient } from '../client/reelay-client.js';
import type { Disposable } from '../domain/disposable.js';
import { ReelayError } from '../domain/errors.js';
import type { StoredEvent } from '../domain/events.js';
import type { FallbackDecision } from '../domain/fallback.js';
import type { JobRecord, JobStatus } from '../jobs/job-record.js';
import type {
  BudgetsView,
  DecisionAnswerInput,
  GatewayStatsView,
  JobStepView,
  PendingDecisionView,
  ProviderInfo,
  ProviderPerformanceView,
  ReadinessReport,
  ReelayService,
} from '../jobs/reelay-service.js';
import { apiStatusOf, jobRecordFromView } from './remote-job-view.js';

/** Options of {@link RemoteReelayService}. */
export interface RemoteReelayServiceOptions {
  /** The SDK client talking to the server. */
  client: ReelayClient;
  /** The server origin the client uses (for links and the health/metrics routes). */
  baseUrl: string;
  /** Bearer key, for `/metrics`. */
  apiKey?: string;
  /** @default globalThis.fetch */
  fetch?: FetchFn;
  /** Errors of live subscriptions (which have no caller to throw to). @default ignore */
  onStreamError?: (error: unknown) => void;
}

/** Options of {@link RemoteReelayService.followEvents}. */
export interface FollowEventsOptions {
  /** Resume after this event id. @default 0 */
  afterId?: number;
  signal?: AbortSignal;
}

/** The clear error for what the HTTP API does not offer. */
function notAvailable(what: string): ReelayError {
  return new ReelayError(
    'REELAY_ERR_CONFLICT',
    `${what} is not available against a remote server; run the command on the server's machine without --server.`,
    { details: { remote: true } },
  );
}

/**
 * The {@link ReelayService} over the HTTP API (the SDK's `ReelayClient`), so every CLI command
 * works the same against `--server URL` as locally. Differences: job records carry no request,
 * lease or server paths (`output.path` is the download URL); `subscribe` replays the job's past
 * events before live ones (SSE from id 0); `readEvents` works only for jobs that ended.
 *
 * @example
 * const client = new ReelayClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const service = new RemoteReelayService({ client, baseUrl: 'http://127.0.0.1:8080' });
 * const job = await service.submit({ brief: 'Explain how tides work for curious kids' });
 */
export class RemoteReelayService implements ReelayService {
  private readonly client: ReelayClient;
  private readonly baseUrl: string;
  private readonly fetchFn: FetchFn;

  constructor(private readonly options: RemoteReelayServiceOptions) {
    this.client = options.client;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async submit(input: unknown, options: { correlationId?: string } = {}): Promise<JobRecord> {
    const created = await this.client.generateVideo(
      input,
      options.correlationId ? { correlationId: options.correlationId } : {},
    );
    return jobRecordFromView(await this.client.getStatus(created.jobId), this.baseUrl);
  }

  async getJob(id: string): Promise<JobRecord | null> {
    try {
      return jobRecordFromView(await this.client.getStatus(id), this.baseUrl);
    } catch (error) {
      if (ReelayApiError.isInstance(error) && error.status === 404) return null;
      throw error;
    }
  }

  async listJobs(query: { status?: JobStatus; limit?: number; cursor?: string } = {}) {
    const page = await this.client.listJobs({
      ...(query.status ? { status: apiStatusOf(query.status) } : {}),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { items: page.items.map((v) => jobRecordFromView(v, this.baseUrl)), nextCursor: page.nextCursor };
  }

  async cancel(id: string, reason?: string): Promise<JobRecord> {
    return jobRecordFromView(await this.client.cancel(id, reason ? { reason } : {}), this.baseUrl);
  }

  async steps(id: string): Promise<JobStepView[]> {
    const view = await this.client.getStatus(id);
    return view.steps.map((s) => ({ ...s, artifactPath: '' }));
  }

  /** Past events of a job that ended (the server's SSE replay); running jobs: not available. */
  async readEvents(jobId: string, afterId = 0, limit = Number.POSITIVE_INFINITY): Promise<StoredEvent[]> {
    const job = await this.client.getStatus(jobId);
    if (!['completed', 'failed', 'canceled'].includes(job.status)) {
      throw notAvailable(`Reading the past events of running job ${jobId}`);
    }
    const events: StoredEvent[] = [];
    await this.followEvents(
      jobId,
      (e) => {
        if (events.length < limit) events.push(e);
      },
      { afterId },
    );
    return events;
  }

  /** Live events of a job, after a replay of its past events (SSE from id 0). */
  subscribe(jobId: string, listener: (event: StoredEvent) => void): Disposable {
    const controller = new AbortController();
    this.followEvents(jobId, listener, { signal: controller.signal }).catch((error: unknown) => {
      if (!controller.signal.aborted) this.options.onStreamError?.(error);
    });
    return { dispose: () => controller.abort() };
  }

  /**
   * Follows a job's events over SSE (with resume and a polling fallback) until it ends; resolves
   * with how it ended.
   */
  followEvents(
    jobId: string,
    onEvent: (event: StoredEvent) => void,
    options: FollowEventsOptions = {},
  ): Promise<StreamProgressResult> {
    return this.client.streamProgress(jobId, {
      onEvent,
      ...(options.afterId ? { lastEventId: options.afterId } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async decisions(jobId: string): Promise<FallbackDecision[]> {
    return (await this.client.listDecisions(jobId)).decisions;
  }

  async pendingDecision(jobId: string): Promise<PendingDecisionView | null> {
    return (await this.client.pendingDecision(jobId)).pending;
  }

  async answerDecision(jobId: string, answer: DecisionAnswerInput): Promise<void> {
    await this.client.answerDecision(jobId, {
      option: answer.option,
      ...(answer.provider ? { provider: answer.provider } : {}),
      ...(answer.decisionId ? { decisionId: answer.decisionId } : {}),
    });
  }

  async listProviders(): Promise<ProviderInfo[]> {
    return (await this.client.listProviders()).providers;
  }

  async setCircuit(
    providerId: string,
    action: 'open' | 'close' | 'isolate',
    reason?: string,
  ): Promise<{ state: string }> {
    const r = await this.client.setCircuit(providerId, action, reason ? { reason } : {});
    return { state: r.state };
  }

  gatewayStats(): Promise<GatewayStatsView> {
    return this.client.gatewayStats();
  }

  /** `GET /api/providers/{id}/performance`. */
  providerPerformance(providerId: string): Promise<ProviderPerformanceView> {
    return this.json(`/api/providers/${encodeURIComponent(providerId)}/performance`);
  }

  /** `GET /api/budgets`. */
  budgets(): Promise<BudgetsView> {
    return this.json('/api/budgets');
  }

  /** `GET /health/ready`: the server's checks, whether it answers 200 or 503. */
  async readiness(): Promise<ReadinessReport> {
    const response = await this.raw('/health/ready');
    const body = (await response.json().catch(() => ({}))) as { checks?: ReadinessReport['checks'] };
    return { ready: response.ok, checks: body.checks ?? {} };
  }

  async metricsText(): Promise<string> {
    const response = await this.raw('/metrics');
    if (!response.ok)
      throw new ReelayError(
        'REELAY_ERR_INTERNAL',
        `The server answered HTTP ${response.status} for /metrics`,
      );
    return response.text();
  }

  /**
   * Downloads a finished job's video to `destPath` (written to `<destPath>.part`, then renamed);
   * resolves with the number of bytes.
   */
  async downloadVideo(jobId: string, destPath: string, signal?: AbortSignal): Promise<number> {
    await mkdir(dirname(destPath), { recursive: true });
    const part = `${destPath}.part`;
    const file = await open(part, 'w');
    try {
      const result = await this.client.downloadVideo(jobId, {
        sink: { write: (chunk: Uint8Array) => file.write(chunk) },
        ...(signal ? { signal } : {}),
      });
      await file.close();
      await rename(part, destPath);
      return result.bytesReceived;
    } catch (error) {
      await file.close().catch(() => {});
      await rm(part, { force: true });
      throw error;
    }
  }

  /** Nothing to release: the server owns the workers and stores. */
  async close(): Promise<void> {}

  private async json<T>(path: string): Promise<T> {
    const response = await this.raw(path);
    const body = (await response.json().catch(() => ({}))) as { code?: string; detail?: string };
    if (!response.ok) {
      throw new ReelayApiError({
        status: response.status,
        code: body.code ?? 'REELAY_ERR_INTERNAL',
        detail: body.detail ?? `the server answered HTTP ${response.status} for ${path}`,
      });
    }
    return body as T;
  }

  private async raw(path: string): Promise<Response> {
    try {
      return await this.fetchFn(`${this.baseUrl}${path}`, {
        headers: this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {},
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new ReelayApiError({
        status: 0,
        code: 'REELAY_ERR_NETWORK',
        detail: `could not connect (${error instanceof Error ? error.message : String(error)})`,
        cause: error,
      });
    }
  }
}
