import type { Clock } from '../../domain/clock.js';
import type {
  CostModel,
  HealthReport,
  ProviderCallContext,
  ProviderCapabilities,
  VideoProvider,
  VideoRenderRequest,
  VideoRenderResult,
} from '../../domain/provider.js';
import { runAsyncJob } from '../async-job/run-async-job.js';
import { createAdapterConfig } from '../http/adapter-config.js';
import type { HttpContext } from '../http/http-context.js';
import type { NetworkedProviderOptions } from '../http/networked-options.js';
import { requestJson } from '../http/request-json.js';
import { sendRequest } from '../http/send-request.js';
import { downloadPresigned, remoteRenderResult } from './remote-render-result.js';
import { buildRunwayTask, parseRunwayCreated, parseRunwayTask } from './runway-task.js';

/** Options of {@link RunwayProvider}. Defaults: `priority` 3, `costModel` { unit: 'video_second', usdPerUnit: 0.05 } (gen4_turbo: 5 credits per second), `id` 'runway', `keyEnvVar` 'RUNWAYML_API_SECRET'. */
export interface RunwayProviderOptions extends NetworkedProviderOptions {
  /** API secret (`RUNWAYML_API_SECRET`); sent as a bearer token, never logged. */
  apiKey: string;
  /** @default 'https://api.dev.runwayml.com' */
  baseUrl?: string;
  /** Image-to-video model. @default 'gen4_turbo' */
  model?: string;
  /** Text-to-video model, used when the first scene has no image. @default 'gen4.5' */
  textModel?: string;
  /** `X-Runway-Version` header. @default '2024-11-06' */
  apiVersion?: string;
  /** Clip length in seconds; absent → 5 s when the scenes last ≤ 7.5 s, else 10 s. */
  durationSeconds?: number;
  /** Wait between task polls. @default 5000 */
  pollIntervalMs?: number;
  /** Bound on the remote cancel (DELETE) when the call is aborted. @default 5000 */
  cancelTimeoutMs?: number;
}

/**
 * RunwayML generative video through its asynchronous task API: create a task
 * (`/v1/image_to_video` from the first scene's image, else `/v1/text_to_video`), poll
 * `/v1/tasks/{id}` pushing percent heartbeats from its `progress`, download `output[0]`
 * atomically; an aborted call sends `DELETE /v1/tasks/{id}`. Produces one silent generative clip.
 *
 * @example
 * const runway = new RunwayProvider({ apiKey: process.env.RUNWAYML_API_SECRET! });
 * await runway.renderVideo(request, { signal, heartbeat });
 */
export class RunwayProvider implements VideoProvider {
  readonly id: string;
  readonly displayName = 'Runway';
  readonly kind = 'video' as const;
  readonly profileType = 'video_render' as const;
  /** `canDeleteJob`: Runway documents `DELETE /v1/tasks/{id}` ("cancel or delete a task"). */
  readonly capabilities: ProviderCapabilities = {
    heartbeat: 'percentage',
    features: ['generative'],
    canDeleteJob: true,
  };
  readonly priority: number;
  readonly costModel: CostModel;
  private readonly baseUrl: string;
  private readonly http: HttpContext;
  private readonly clock: Clock;

  constructor(private readonly options: RunwayProviderOptions) {
    const config = createAdapterConfig(options, {
      id: 'runway',
      displayName: this.displayName,
      priority: 3,
      costModel: { unit: 'video_second', usdPerUnit: 0.05 },
      keyEnvVar: 'RUNWAYML_API_SECRET',
      baseUrl: 'https://api.dev.runwayml.com',
    });
    ({ id: this.id, baseUrl: this.baseUrl, priority: this.priority, costModel: this.costModel } = config);
    ({ clock: this.clock, http: this.http } = config);
  }

  private headers(): Record<string, string> {
    return {
      authorization: `Bearer ${this.options.apiKey}`,
      'x-runway-version': this.options.apiVersion ?? '2024-11-06',
    };
  }

  /** Renders one clip for the request and writes it to `request.outPath`. */
  async renderVideo(request: VideoRenderRequest, ctx: ProviderCallContext): Promise<VideoRenderResult> {
    const task = await buildRunwayTask(
      request,
      {
        model: this.options.model ?? 'gen4_turbo',
        textModel: this.options.textModel ?? 'gen4.5',
        durationSeconds: this.options.durationSeconds,
      },
      ctx.signal,
    );
    const taskUrl = (id: string): string => `${this.baseUrl}/v1/tasks/${encodeURIComponent(id)}`;
    await runAsyncJob({
      provider: this.displayName,
      outPath: request.outPath,
      signal: ctx.signal,
      heartbeat: ctx.heartbeat,
      clock: this.clock,
      pollIntervalMs: this.options.pollIntervalMs ?? 5000,
      cancelTimeoutMs: this.options.cancelTimeoutMs,
      create: async (signal) => {
        const url = `${this.baseUrl}${task.path}`;
        const { body } = await requestJson(this.http, {
          url,
          json: task.body,
          headers: this.headers(),
          signal,
        });
        return parseRunwayCreated(body);
      },
      poll: async (id, signal) =>
        (await requestJson(this.http, { url: taskUrl(id), headers: this.headers(), signal }, parseRunwayTask))
          .body,
      cancel: async (id, signal) => {
        await sendRequest(this.http, { url: taskUrl(id), method: 'DELETE', headers: this.headers(), signal });
      },
      download: downloadPresigned(this.http),
    });
    const fallbackMs = (Number(task.body.duration) || 0) * 1000;
    return remoteRenderResult(request.outPath, fallbackMs, ctx.signal);
  }

  /** `GET /v1/organization`: authenticated and cheap; unhealthy when the credit balance is 0. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const started = this.clock.now();
    try {
      const { body } = await requestJson(this.http, {
        url: `${this.baseUrl}/v1/organization`,
        headers: this.headers(),
        signal,
      });
      const credits = (body as { creditBalance?: unknown } | null)?.creditBalance;
      const latencyMs = this.clock.now() - started;
      if (typeof credits === 'number' && credits <= 0) {
        return { healthy: false, latencyMs, message: 'Runway account has no credits left' };
      }
      return {
        healthy: true,
        latencyMs,
        message: `Runway reachable (credit balance ${String(credits ?? 'unknown')})`,
      };
    } catch (error) {
      return { healthy: false, latencyMs: this.clock.now() - started, message: (error as Error).message };
    }
  }
}
