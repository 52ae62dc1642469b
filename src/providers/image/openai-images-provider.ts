import type { Clock } from '../../domain/clock.js';
import type {
  CostModel,
  HealthReport,
  ImageProvider,
  ImageRequest,
  ImageResult,
  ProviderCallContext,
  ProviderCapabilities,
} from '../../domain/provider.js';
import { remoteCanceledError } from '../async-job/remote-cancel.js';
import { createAdapterConfig } from '../http/adapter-config.js';
import type { HttpContext } from '../http/http-context.js';
import type { NetworkedProviderOptions } from '../http/networked-options.js';
import { requestJson } from '../http/request-json.js';
import { writeFileAtomic } from '../media/atomic-file.js';
import { decodeBase64Png } from './stable-diffusion-png.js';

/** Options of {@link OpenAiImagesProvider}. Defaults: `priority` 3, `costModel` { unit: 'image', usdPerUnit: 0.04 }, `id` 'openai-images', `keyEnvVar` 'OPENAI_API_KEY'. */
export interface OpenAiImagesProviderOptions extends NetworkedProviderOptions {
  /** API key (`OPENAI_API_KEY`); sent as a bearer token, never logged. */
  apiKey: string;
  /** `gpt-image-1` (always base64) or `dall-e-3` / `dall-e-2` (asked for `b64_json`). @default 'gpt-image-1' */
  model?: string;
  /** Model quality: gpt-image `low`/`medium`/`high`/`auto`, dall-e-3 `standard`/`hd`; absent = the API default. */
  quality?: string;
  /** @default 'https://api.openai.com/v1' */
  baseUrl?: string;
}

/**
 * The `size` the model accepts that is closest to the request's aspect: landscape, portrait or
 * square. gpt-image: 1536x1024 / 1024x1536 / 1024x1024; dall-e-3: 1792x1024 / 1024x1792 /
 * 1024x1024; dall-e-2: 1024x1024. The composer scales the image to the video size.
 */
export function openAiImageSize(model: string, width: number, height: number): string {
  const aspect = width / height;
  const shape = aspect >= 1.2 ? 'landscape' : aspect <= 1 / 1.2 ? 'portrait' : 'square';
  if (model.startsWith('dall-e-2') || shape === 'square') return '1024x1024';
  if (model.startsWith('dall-e-3')) return shape === 'landscape' ? '1792x1024' : '1024x1792';
  return shape === 'landscape' ? '1536x1024' : '1024x1536';
}

interface GenerationsBody {
  data?: Array<{ b64_json?: unknown }>;
}

/**
 * OpenAI image generation (`POST /v1/images/generations`), base64 result written atomically as a
 * PNG. One blocking call with no progress to report: the heartbeat kind is `none`, so the gateway
 * applies the image profile's deepWait patience before judging it stalled. A
 * `content_policy_violation` refusal is a non-retryable `quality_failure`.
 *
 * @example
 * const images = new OpenAiImagesProvider({ apiKey: process.env.OPENAI_API_KEY! });
 * await images.renderImage(request, { signal, heartbeat });
 */
export class OpenAiImagesProvider implements ImageProvider {
  readonly id: string;
  readonly displayName = 'OpenAI Images';
  readonly kind = 'image' as const;
  readonly profileType = 'image_gen' as const;
  readonly capabilities: ProviderCapabilities = { heartbeat: 'none' };
  readonly priority: number;
  readonly costModel: CostModel;
  private readonly baseUrl: string;
  private readonly model: string;
  private readonly http: HttpContext;
  private readonly clock: Clock;

  constructor(private readonly options: OpenAiImagesProviderOptions) {
    const config = createAdapterConfig(options, {
      id: 'openai-images',
      displayName: this.displayName,
      priority: 3,
      costModel: { unit: 'image', usdPerUnit: 0.04 },
      keyEnvVar: 'OPENAI_API_KEY',
      baseUrl: 'https://api.openai.com/v1',
    });
    ({ id: this.id, baseUrl: this.baseUrl, priority: this.priority, costModel: this.costModel } = config);
    ({ clock: this.clock, http: this.http } = config);
    this.model = options.model ?? 'gpt-image-1';
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.options.apiKey}` };
  }

  /** Generates one image and writes it to `request.outPath`. */
  async renderImage(request: ImageRequest, ctx: ProviderCallContext): Promise<ImageResult> {
    const style = request.style?.trim();
    const prompt = style ? `${request.prompt.trim()} Style: ${style}.` : request.prompt.trim();
    const body: Record<string, unknown> = {
      model: this.model,
      prompt,
      n: 1,
      size: openAiImageSize(this.model, request.width, request.height),
      ...(this.model.startsWith('dall-e') ? { response_format: 'b64_json' } : {}),
      ...(this.options.quality ? { quality: this.options.quality } : {}),
    };
    ctx.heartbeat({
      message: `${this.displayName}: generating ${String(body.size)} image with ${this.model}`,
    });
    let result: GenerationsBody;
    try {
      ({ body: result } = await requestJson<GenerationsBody>(this.http, {
        url: `${this.baseUrl}/images/generations`,
        json: body,
        headers: this.headers(),
        signal: ctx.signal,
      }));
    } catch (error) {
      // The API has no cancel: dropping the request is all a client can do.
      if (ctx.signal.aborted)
        throw remoteCanceledError(this.displayName, 'image request', ctx.signal.reason, 'unsupported');
      throw error;
    }
    const png = decodeBase64Png(this.displayName, result.data?.[0]?.b64_json);
    await writeFileAtomic(request.outPath, png.bytes);
    ctx.heartbeat({ message: `${this.displayName}: image ${png.width}×${png.height} written` });
    return { path: request.outPath, width: png.width, height: png.height, usage: { images: 1 } };
  }

  /** `GET /v1/models/{model}`: authenticated, free, and proves the model is available to the key. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const started = this.clock.now();
    try {
      await requestJson(this.http, {
        url: `${this.baseUrl}/models/${encodeURIComponent(this.model)}`,
        headers: this.headers(),
        signal,
      });
      return { healthy: true, latencyMs: this.clock.now() - started, message: `${this.model} available` };
    } catch (error) {
      return { healthy: false, latencyMs: this.clock.now() - started, message: (error as Error).message };
    }
  }
}
