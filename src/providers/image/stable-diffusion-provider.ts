import { type Clock, sleep } from '../../domain/clock.js';
import type {
  CostModel,
  HealthReport,
  ImageProvider,
  ImageRequest,
  ImageResult,
  ProviderCallContext,
  ProviderCapabilities,
} from '../../domain/provider.js';
import { callBounded, remoteCanceledError } from '../async-job/remote-cancel.js';
import { createAdapterConfig } from '../http/adapter-config.js';
import type { HttpContext } from '../http/http-context.js';
import type { NetworkedProviderOptions } from '../http/networked-options.js';
import { requestJson } from '../http/request-json.js';
import { sendRequest } from '../http/send-request.js';
import { writeFileAtomic } from '../media/atomic-file.js';
import { decodeBase64Png } from './stable-diffusion-png.js';

/** Options of {@link StableDiffusionProvider}. Defaults: `priority` 3, `costModel` { unit: 'free', usdPerUnit: 0 }, `id` 'stable-diffusion'. */
export interface StableDiffusionProviderOptions extends NetworkedProviderOptions {
  /** WebUI started with `--api`. @default 'http://127.0.0.1:7860' */
  baseUrl?: string;
  /** Sampling steps. @default 25 */
  steps?: number;
  /** Sampler name as the WebUI lists it. @default 'Euler a' */
  sampler?: string;
  /** Classifier-free guidance scale. @default 7 */
  cfgScale?: number;
  /** Checkpoint title (`sd_model_checkpoint`) to use for this request only; absent = the loaded one. */
  model?: string;
  /** @default 'text, watermark, blurry, low quality' */
  negativePrompt?: string;
  /** `user:password` for a WebUI started with `--api-auth`; sent as HTTP Basic auth. */
  apiAuth?: string;
  /** Wait between `/sdapi/v1/progress` polls while an image renders. @default 1000 */
  pollIntervalMs?: number;
  /** Bound on `POST /sdapi/v1/interrupt` when the call is aborted. @default 5000 */
  interruptTimeoutMs?: number;
}

/** The nearest multiple of 8 (at least 64): Stable Diffusion works in 8-pixel latent blocks. */
export function roundToMultipleOf8(value: number): number {
  return Math.max(64, Math.round(value / 8) * 8);
}

interface Txt2ImgBody {
  images?: unknown;
}

interface ProgressBody {
  progress?: unknown;
  state?: { sampling_step?: unknown; sampling_steps?: unknown; job_count?: unknown };
}

/**
 * Local image generation through the AUTOMATIC1111 Stable Diffusion WebUI API. `POST
 * /sdapi/v1/txt2img` blocks until the image is done, so while it runs the adapter polls `GET
 * /sdapi/v1/progress?skip_current_image=true` on its clock and pushes a percent heartbeat each
 * time progress rises. Width and height are requested as the nearest multiples of 8; the result
 * reports the PNG's real size and the composer scales it. On abort it sends `POST
 * /sdapi/v1/interrupt` (bounded) and drops the request. The WebUI runs one job at a time and its
 * progress endpoint reports whichever job is running.
 *
 * @example
 * const sd = new StableDiffusionProvider({ baseUrl: 'http://127.0.0.1:7860', steps: 20 });
 * const image = await sd.renderImage(request, { signal, heartbeat });
 */
export class StableDiffusionProvider implements ImageProvider {
  readonly id: string;
  readonly displayName = 'Stable Diffusion';
  readonly kind = 'image' as const;
  readonly profileType = 'image_gen' as const;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'percentage', offline: true };
  readonly priority: number;
  readonly costModel: CostModel;
  private readonly baseUrl: string;
  private readonly http: HttpContext;
  private readonly clock: Clock;

  constructor(private readonly options: StableDiffusionProviderOptions = {}) {
    const config = createAdapterConfig(options, {
      id: 'stable-diffusion',
      displayName: this.displayName,
      priority: 3,
      costModel: { unit: 'free', usdPerUnit: 0 },
      baseUrl: 'http://127.0.0.1:7860',
      secrets: options.apiAuth ? [options.apiAuth, Buffer.from(options.apiAuth).toString('base64')] : [],
    });
    ({ id: this.id, baseUrl: this.baseUrl, priority: this.priority, costModel: this.costModel } = config);
    ({ clock: this.clock, http: this.http } = config);
  }

  private headers(): Record<string, string> {
    const auth = this.options.apiAuth;
    return auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {};
  }

  /** Renders one image and writes the PNG atomically to `request.outPath`. */
  async renderImage(request: ImageRequest, ctx: ProviderCallContext): Promise<ImageResult> {
    const width = roundToMultipleOf8(request.width);
    const height = roundToMultipleOf8(request.height);
    const prompt = [request.prompt.trim(), request.style?.trim() && `${request.style.trim()} style`]
      .filter(Boolean)
      .join(', ');
    const body = {
      prompt,
      negative_prompt: this.options.negativePrompt ?? 'text, watermark, blurry, low quality',
      steps: this.options.steps ?? 25,
      sampler_name: this.options.sampler ?? 'Euler a',
      cfg_scale: this.options.cfgScale ?? 7,
      width,
      height,
      seed: request.seed ?? -1,
      batch_size: 1,
      n_iter: 1,
      send_images: true,
      save_images: false,
      ...(this.options.model
        ? {
            override_settings: { sd_model_checkpoint: this.options.model },
            override_settings_restore_afterwards: true,
          }
        : {}),
    };
    const stopPolling = new AbortController();
    const polling = this.pollProgress(ctx, stopPolling.signal);
    try {
      const { body: result } = await requestJson<Txt2ImgBody>(this.http, {
        url: `${this.baseUrl}/sdapi/v1/txt2img`,
        json: body,
        headers: this.headers(),
        signal: ctx.signal,
      });
      stopPolling.abort();
      const images = Array.isArray(result.images) ? result.images : [];
      const png = decodeBase64Png(this.displayName, images[0]);
      await writeFileAtomic(request.outPath, png.bytes);
      ctx.heartbeat({
        percent: 100,
        message: `${this.displayName}: image ${png.width}×${png.height} written`,
      });
      return { path: request.outPath, width: png.width, height: png.height, usage: { images: 1 } };
    } catch (error) {
      stopPolling.abort();
      if (!ctx.signal.aborted) throw error;
      const outcome = await callBounded(this.clock, this.options.interruptTimeoutMs ?? 5000, (signal) =>
        sendRequest(this.http, {
          url: `${this.baseUrl}/sdapi/v1/interrupt`,
          method: 'POST',
          headers: this.headers(),
          signal,
        }),
      );
      throw remoteCanceledError(
        this.displayName,
        `image for scene ${request.sceneIndex + 1}`,
        ctx.signal.reason,
        outcome,
      );
    } finally {
      await polling;
    }
  }

  /** Polls progress until `stop` aborts; failures of the progress endpoint are ignored (liveness only). */
  private async pollProgress(ctx: ProviderCallContext, stop: AbortSignal): Promise<void> {
    let last = 0;
    const interval = this.options.pollIntervalMs ?? 1000;
    for (;;) {
      try {
        await sleep(this.clock, interval, stop);
        const { body } = await requestJson<ProgressBody>(this.http, {
          url: `${this.baseUrl}/sdapi/v1/progress?skip_current_image=true`,
          headers: this.headers(),
          signal: stop,
        });
        const progress = typeof body.progress === 'number' ? body.progress : 0;
        const percent = Math.min(99, Math.max(0, progress * 100));
        if (stop.aborted) return;
        if (percent > last) {
          last = percent;
          const step = body.state?.sampling_step;
          const steps = body.state?.sampling_steps;
          const stepText =
            typeof step === 'number' && typeof steps === 'number' ? ` (step ${step}/${steps})` : '';
          ctx.heartbeat({
            percent,
            message: `${this.displayName}: sampling ${Math.round(percent)}%${stepText}`,
          });
        }
      } catch {
        if (stop.aborted) return;
      }
    }
  }

  /** `GET /sdapi/v1/sd-models`: the WebUI is up with its API enabled and has checkpoints. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const started = this.clock.now();
    try {
      const { body } = await requestJson(this.http, {
        url: `${this.baseUrl}/sdapi/v1/sd-models`,
        headers: this.headers(),
        signal,
      });
      const count = Array.isArray(body) ? body.length : 0;
      const latencyMs = this.clock.now() - started;
      if (count === 0)
        return { healthy: false, latencyMs, message: 'Stable Diffusion WebUI has no checkpoints' };
      return { healthy: true, latencyMs, message: `${count} Stable Diffusion checkpoints available` };
    } catch (error) {
      return { healthy: false, latencyMs: this.clock.now() - started, message: (error as Error).message };
    }
  }
}
