import type { Clock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
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
import { buildHeyGenVideo, parseHeyGenCreated, parseHeyGenStatus } from './heygen-video.js';
import { downloadPresigned, remoteRenderResult } from './remote-render-result.js';

/** Options of {@link HeyGenProvider}. Defaults: `priority` 3, `costModel` { unit: 'video_second', usdPerUnit: 0.0167 } (about one API credit per minute), `id` 'heygen', `keyEnvVar` 'HEYGEN_API_KEY'. */
export interface HeyGenProviderOptions extends NetworkedProviderOptions {
  /** API key (`HEYGEN_API_KEY`); sent as `X-Api-Key`, never logged. */
  apiKey: string;
  /** Avatar that presents every scene (HeyGen `avatar_id`); required to render (config: `model`). */
  avatarId?: string;
  /** Voice that speaks the narration (HeyGen `voice_id`); required to render (config: `voice`). */
  voiceId?: string;
  /** @default 'normal' */
  avatarStyle?: string;
  /** Longest side of the video; the request's size is scaled down to fit (plan limits). @default 1280 */
  maxLongSide?: number;
  /** @default 'https://api.heygen.com' */
  baseUrl?: string;
  /** Wait between status polls. @default 5000 */
  pollIntervalMs?: number;
  /** Bound on the best-effort delete when the call is aborted. @default 5000 */
  cancelTimeoutMs?: number;
  /** Delete the remote video when the call is aborted (HeyGen has no cancel endpoint). @default true */
  deleteOnAbort?: boolean;
}

/**
 * HeyGen avatar video through its asynchronous API: `POST /v2/video/generate` with one video input
 * per scene (the avatar speaking the scene's narration), poll `GET /v1/video_status.get`, download
 * `video_url` atomically. HeyGen reports no percent while processing, so the heartbeat kind is
 * `none` (the gateway waits up to the deepWait threshold) and state changes are pushed as messages.
 * HeyGen documents no way to cancel a render: on abort the video is deleted (`DELETE
 * /v1/video.delete`), best effort.
 *
 * @example
 * const heygen = new HeyGenProvider({ apiKey, avatarId: 'Daisy-inskirt-20220818', voiceId: '2d5b0e6c…' });
 * await heygen.renderVideo(request, { signal, heartbeat });
 */
export class HeyGenProvider implements VideoProvider {
  readonly id: string;
  readonly displayName = 'HeyGen';
  readonly kind = 'video' as const;
  readonly profileType = 'video_render' as const;
  /**
   * `canDeleteJob` follows `deleteOnAbort`: HeyGen documents `DELETE /v1/video.delete` for avatar
   * videos (not a cancel: whether a deleted render is billed is not documented, so a hedge's
   * loser is recorded as spent).
   */
  readonly capabilities: ProviderCapabilities;
  readonly priority: number;
  readonly costModel: CostModel;
  private readonly baseUrl: string;
  private readonly http: HttpContext;
  private readonly clock: Clock;

  constructor(private readonly options: HeyGenProviderOptions) {
    const config = createAdapterConfig(options, {
      id: 'heygen',
      displayName: this.displayName,
      priority: 3,
      costModel: { unit: 'video_second', usdPerUnit: 0.0167 },
      keyEnvVar: 'HEYGEN_API_KEY',
      baseUrl: 'https://api.heygen.com',
    });
    ({ id: this.id, baseUrl: this.baseUrl, priority: this.priority, costModel: this.costModel } = config);
    ({ clock: this.clock, http: this.http } = config);
    this.capabilities = {
      heartbeat: 'none',
      features: ['avatar', 'narrated'],
      canDeleteJob: options.deleteOnAbort ?? true,
    };
  }

  private headers(): Record<string, string> {
    return { 'x-api-key': this.options.apiKey };
  }

  private videoUrl(path: string, id: string): string {
    return `${this.baseUrl}${path}?video_id=${encodeURIComponent(id)}`;
  }

  /** Renders the whole video (all scenes) remotely and writes it to `request.outPath`. */
  async renderVideo(request: VideoRenderRequest, ctx: ProviderCallContext): Promise<VideoRenderResult> {
    const { avatarId, voiceId } = this.options;
    if (!avatarId || !voiceId) throw this.castMissing();
    const body = buildHeyGenVideo(request, {
      avatarId,
      voiceId,
      avatarStyle: this.options.avatarStyle,
      maxLongSide: this.options.maxLongSide,
    });
    const deleteOnAbort = this.options.deleteOnAbort ?? true;
    await runAsyncJob({
      provider: this.displayName,
      outPath: request.outPath,
      signal: ctx.signal,
      heartbeat: ctx.heartbeat,
      clock: this.clock,
      pollIntervalMs: this.options.pollIntervalMs ?? 5000,
      cancelTimeoutMs: this.options.cancelTimeoutMs,
      create: async (signal) => {
        const url = `${this.baseUrl}/v2/video/generate`;
        return (
          await requestJson(
            this.http,
            { url, json: body, headers: this.headers(), signal },
            parseHeyGenCreated,
          )
        ).body;
      },
      poll: async (id, signal) =>
        (
          await requestJson(
            this.http,
            { url: this.videoUrl('/v1/video_status.get', id), headers: this.headers(), signal },
            parseHeyGenStatus,
          )
        ).body,
      cancel: deleteOnAbort
        ? async (id, signal) => {
            const url = this.videoUrl('/v1/video.delete', id);
            await sendRequest(this.http, { url, method: 'DELETE', headers: this.headers(), signal });
          }
        : undefined,
      download: downloadPresigned(this.http),
    });
    const estimateMs = request.scenes.reduce((sum, s) => sum + s.durationMs, 0);
    return remoteRenderResult(request.outPath, estimateMs, ctx.signal);
  }

  private castMissing(): ReelayError {
    return new ReelayError(
      'REELAY_ERR_CONFIG',
      'HeyGen needs an avatar id and a voice id: set "model" (avatar_id) and "voice" (voice_id) under providers.heygen in the configuration.',
      { provider: this.displayName, category: 'processing_error', retryable: false },
    );
  }

  /** `GET /v2/user/remaining_quota`: authenticated and cheap; unhealthy when no quota is left or the cast is missing. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const started = this.clock.now();
    if (!this.options.avatarId || !this.options.voiceId) {
      return { healthy: false, latencyMs: 0, message: this.castMissing().message };
    }
    try {
      const { body } = await requestJson(this.http, {
        url: `${this.baseUrl}/v2/user/remaining_quota`,
        headers: this.headers(),
        signal,
      });
      const quota = (body as { data?: { remaining_quota?: unknown } } | null)?.data?.remaining_quota;
      const latencyMs = this.clock.now() - started;
      if (typeof quota === 'number' && quota <= 0) {
        return { healthy: false, latencyMs, message: 'HeyGen account has no API quota left' };
      }
      return {
        healthy: true,
        latencyMs,
        message: `HeyGen reachable (remaining quota ${String(quota ?? 'unknown')})`,
      };
    } catch (error) {
      return { healthy: false, latencyMs: this.clock.now() - started, message: (error as Error).message };
    }
  }
}
