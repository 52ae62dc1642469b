import type { Clock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type {
  ChatRequest,
  ChatResult,
  CostModel,
  HealthReport,
  LlmProvider,
  ProviderCallContext,
  ProviderCapabilities,
  Usage,
} from '../../domain/provider.js';
import type { ProviderType } from '../../domain/provider-type.js';
import { ruleForProviderCode } from '../../resilience/provider-error-codes.js';
import { createAdapterConfig } from '../http/adapter-config.js';
import { probeHealth } from '../http/health-probe.js';
import type { HttpContext } from '../http/http-context.js';
import type { NetworkedProviderOptions } from '../http/networked-options.js';
import { openSseStream } from '../http/open-streams.js';
import { redactFor, rewordError, toProviderError } from '../http/provider-error.js';
import { requestJson } from '../http/request-json.js';
import { estimateTokens } from '../http/token-estimate.js';
import {
  openAiChatBody,
  parseOpenAiChunk,
  parseOpenAiCompletion,
  parseOpenAiModels,
} from './openai-chat-wire.js';

/** Options of {@link OpenAiChatProvider}. Defaults: `id` 'openai', `priority` 2, `costModel` { unit: 'token_1k', usdPerUnit: 0.00015, outputUsdPerUnit: 0.0006 } (gpt-4o-mini), `keyEnvVar` 'OPENAI_API_KEY'. */
export interface OpenAiChatOptions extends NetworkedProviderOptions {
  /** @default 'OpenAI' */
  displayName?: string;
  /** Any OpenAI-compatible server (vLLM, LM Studio, …). @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer`; omit for local servers that need none. */
  apiKey?: string;
  /** @default 'gpt-4o-mini' */
  model?: string;
  /** Stream tokens (SSE) with a heartbeat per delta; `false` waits for the whole answer. @default true */
  stream?: boolean;
  /** Patience profile; use `local_llm` for a compatible server on this machine. @default 'cloud_llm' */
  profileType?: ProviderType;
}

/** Default price of gpt-4o-mini, per 1 000 tokens. */
const GPT_4O_MINI_COST: CostModel = { unit: 'token_1k', usdPerUnit: 0.00015, outputUsdPerUnit: 0.0006 };

/**
 * An LLM provider speaking OpenAI's Chat Completions API — OpenAI itself or any compatible
 * server through `baseUrl`. Streams by default (SSE, `stream_options.include_usage`), pushing a
 * `tokens` heartbeat for every content delta so the gateway can tell a slow answer from a stalled
 * one. Errors are classified once by the shared classifier; a rejected key says so plainly.
 *
 * @example
 * const openai = new OpenAiChatProvider({ apiKey: process.env.OPENAI_API_KEY });
 * const result = await openai.chat({ messages: [{ role: 'user', content: 'Hi' }] }, { signal, heartbeat });
 */
export class OpenAiChatProvider implements LlmProvider {
  readonly specificationVersion = 'v1' as const;
  readonly kind = 'llm' as const;
  readonly id: string;
  readonly displayName: string;
  readonly profileType: ProviderType;
  readonly capabilities: ProviderCapabilities;
  readonly priority: number;
  readonly costModel: CostModel;
  readonly model: string;
  readonly baseUrl: string;
  private readonly http: HttpContext;
  private readonly headers: Record<string, string>;
  private readonly stream: boolean;
  private readonly clock: Clock;

  constructor(options: OpenAiChatOptions = {}) {
    const config = createAdapterConfig(options, {
      id: 'openai',
      displayName: 'OpenAI',
      priority: 2,
      costModel: GPT_4O_MINI_COST,
      keyEnvVar: 'OPENAI_API_KEY',
      baseUrl: 'https://api.openai.com/v1',
    });
    ({ id: this.id, displayName: this.displayName, baseUrl: this.baseUrl, priority: this.priority } = config);
    ({ costModel: this.costModel, clock: this.clock, http: this.http } = config);
    this.model = options.model ?? 'gpt-4o-mini';
    this.profileType = options.profileType ?? 'cloud_llm';
    this.stream = options.stream ?? true;
    this.capabilities = { heartbeat: 'token_count', streaming: this.stream, features: ['json'] };
    this.headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  }

  /** Sends the chat; streams unless configured otherwise. */
  async chat(request: ChatRequest, ctx: ProviderCallContext): Promise<ChatResult> {
    const model = request.model ?? this.model;
    try {
      return this.stream
        ? await this.chatStreamed(request, model, ctx)
        : await this.chatWhole(request, model, ctx);
    } catch (error) {
      throw this.explain(ReelayError.isInstance(error) ? error : toProviderError(this.http, error), model);
    }
  }

  /** Lists the model ids the server offers (`GET /models`). */
  async listModels(signal: AbortSignal): Promise<string[]> {
    const url = `${this.baseUrl}/models`;
    const { body } = await requestJson(this.http, { url, headers: this.headers, signal }, parseOpenAiModels);
    return body;
  }

  /** `GET /models`: healthy when the key is accepted and the configured model is listed. */
  healthCheck(signal: AbortSignal): Promise<HealthReport> {
    return probeHealth(this.clock, signal, async () => {
      try {
        const models = await this.listModels(signal);
        if (models.length > 0 && !models.includes(this.model)) {
          return {
            healthy: false,
            message: `${this.displayName} at ${this.baseUrl} does not offer model ${this.model} (${models.length} models listed): check the model name.`,
          };
        }
        return `${models.length} models available; ${this.model} ready`;
      } catch (error) {
        throw ReelayError.isInstance(error) ? this.explain(error, this.model) : error;
      }
    });
  }

  private async chatStreamed(
    request: ChatRequest,
    model: string,
    ctx: ProviderCallContext,
  ): Promise<ChatResult> {
    const stream = await openSseStream(this.http, {
      url: `${this.baseUrl}/chat/completions`,
      headers: this.headers,
      json: openAiChatBody(request, model, true),
      signal: ctx.signal,
    });
    let text = '';
    let deltas = 0;
    let usage: Usage | undefined;
    let finishReason: string | undefined;
    let servedModel: string | undefined;
    let done = false;
    for await (const event of stream.items) {
      if (event.data === '[DONE]') {
        done = true;
        break;
      }
      const chunk = parseOpenAiChunk(event.data);
      if (chunk.error) throw this.streamError(chunk.error);
      servedModel ??= chunk.model;
      usage = chunk.usage ?? usage;
      finishReason = chunk.finishReason ?? finishReason;
      if (chunk.delta !== '') {
        text += chunk.delta;
        deltas += 1;
        ctx.heartbeat({ tokens: deltas });
      }
    }
    if (!done && finishReason === undefined) {
      throw toProviderError(
        this.http,
        new ReelayError(
          'REELAY_ERR_PROVIDER',
          `${this.displayName} ended the stream before it finished (no [DONE]): the call may succeed if retried.`,
          { category: 'network_error', retryable: true, provider: this.displayName },
        ),
      );
    }
    return {
      text,
      model: servedModel ?? model,
      usage: usage ?? this.estimate(request, text, deltas),
      finishReason,
    };
  }

  private async chatWhole(
    request: ChatRequest,
    model: string,
    ctx: ProviderCallContext,
  ): Promise<ChatResult> {
    const { body } = await requestJson(
      this.http,
      {
        url: `${this.baseUrl}/chat/completions`,
        headers: this.headers,
        json: openAiChatBody(request, model, false),
        signal: ctx.signal,
      },
      parseOpenAiCompletion,
    );
    const usage = body.usage ?? this.estimate(request, body.text, 0);
    ctx.heartbeat({ tokens: usage.outputTokens ?? estimateTokens(body.text) });
    return { text: body.text, model: body.model ?? model, usage, finishReason: body.finishReason };
  }

  private estimate(request: ChatRequest, text: string, deltas: number): Usage {
    const prompt = request.messages.map((m) => m.content).join('\n');
    return { inputTokens: estimateTokens(prompt), outputTokens: Math.max(deltas, estimateTokens(text)) };
  }

  /** An `error` object sent inside a 200 stream (the server failed after it started answering). */
  private streamError(error: Record<string, unknown>): ReelayError {
    const code = [error.code, error.type].find((c): c is string => typeof c === 'string');
    const rule = ruleForProviderCode(code);
    const said =
      typeof error.message === 'string' ? redactFor(this.http, error.message).slice(0, 200) : 'no message';
    return new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${this.displayName} failed in the middle of the answer (${code ?? 'stream error'}): ${rule?.advice ?? 'the call may succeed if retried'}. Provider said: "${said}"`,
      {
        category: rule?.category ?? 'api_failure',
        retryable: rule?.retryable ?? true,
        provider: this.displayName,
        details: { providerCode: code, inStream: true },
      },
    );
  }

  /** Adds OpenAI-specific advice, keeping the classifier's category and retryable flag. */
  private explain(error: ReelayError, model: string): ReelayError {
    const status = error.details.httpStatus;
    const code = error.details.providerCode;
    if (status === 401) {
      return rewordError(
        error,
        `Invalid API key for ${this.displayName} (HTTP 401): set a valid key in ${this.http.keyEnvVar}; Reelay will not retry with the same key.`,
      );
    }
    if (code === 'model_not_found' || (status === 404 && error.category === 'api_failure')) {
      return rewordError(
        error,
        `${this.displayName} at ${this.baseUrl} does not offer model ${model} (HTTP ${String(status)}): check the model name in the configuration, or whether your key has access to it.`,
      );
    }
    return error;
  }
}
