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
import { createAdapterConfig } from '../http/adapter-config.js';
import { probeHealth } from '../http/health-probe.js';
import type { HttpContext } from '../http/http-context.js';
import type { NetworkedProviderOptions } from '../http/networked-options.js';
import { openNdjsonStream } from '../http/open-streams.js';
import { rewordError, toProviderError } from '../http/provider-error.js';
import { requestJson } from '../http/request-json.js';
import { estimateTokens } from '../http/token-estimate.js';
import { ollamaChatBody, ollamaModelMatches, parseOllamaLine, parseOllamaTags } from './ollama-wire.js';

/** Options of {@link OllamaProvider}. Defaults: `id` 'ollama', `priority` 3. */
export interface OllamaOptions extends NetworkedProviderOptions {
  /** @default 'Ollama' */
  displayName?: string;
  /** @default 'http://127.0.0.1:11434' */
  baseUrl?: string;
  /** @default 'llama3.1' */
  model?: string;
  /** Stream tokens (NDJSON) with a heartbeat per token; `false` waits for the whole answer. @default true */
  stream?: boolean;
}

/**
 * Connection failures that mean "no Ollama answering at this address" (refused, connect timeout,
 * unknown host), with the words that explain each.
 */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

/**
 * An LLM provider for a local Ollama server through its native API (`/api/chat`, NDJSON
 * streaming, `/api/tags`). Free and offline. A `tokens` heartbeat is pushed per streamed token.
 *
 * Patience: the first token of a cold model can take tens of seconds while Ollama loads the
 * weights. That is patience, not a stall: no heartbeat is due before the first token, and the
 * gateway judges it against the `local_llm` profile (raise it with the `longForm` patience
 * profile for large models on slow machines).
 *
 * @example
 * const ollama = new OllamaProvider({ model: 'llama3.1' });
 * const report = await ollama.healthCheck(signal); // unhealthy with `ollama pull llama3.1` when missing
 */
export class OllamaProvider implements LlmProvider {
  readonly kind = 'llm' as const;
  readonly id: string;
  readonly displayName: string;
  readonly profileType = 'local_llm' as const;
  readonly capabilities: ProviderCapabilities;
  readonly priority: number;
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  readonly model: string;
  readonly baseUrl: string;
  private readonly http: HttpContext;
  private readonly stream: boolean;
  private readonly clock: Clock;

  constructor(options: OllamaOptions = {}) {
    const config = createAdapterConfig(options, {
      id: 'ollama',
      displayName: 'Ollama',
      priority: 3,
      costModel: this.costModel,
      baseUrl: 'http://127.0.0.1:11434',
    });
    ({ id: this.id, displayName: this.displayName, baseUrl: this.baseUrl, priority: this.priority } = config);
    ({ clock: this.clock, http: this.http } = config);
    this.model = options.model ?? 'llama3.1';
    this.stream = options.stream ?? true;
    this.capabilities = {
      heartbeat: 'token_count',
      streaming: this.stream,
      features: ['json'],
      offline: true,
    };
  }

  /** Sends the chat to `/api/chat`. */
  async chat(request: ChatRequest, ctx: ProviderCallContext): Promise<ChatResult> {
    const model = request.model ?? this.model;
    try {
      return await this.run(request, model, ctx);
    } catch (error) {
      throw this.explain(ReelayError.isInstance(error) ? error : toProviderError(this.http, error), model);
    }
  }

  /** Installed model names (`GET /api/tags`), e.g. `llama3.1:latest`. */
  async listModels(signal: AbortSignal): Promise<string[]> {
    const { body } = await requestJson(
      this.http,
      { url: `${this.baseUrl}/api/tags`, signal },
      parseOllamaTags,
    );
    return body;
  }

  /** `GET /api/tags`: healthy when Ollama answers and the configured model is installed. */
  healthCheck(signal: AbortSignal): Promise<HealthReport> {
    return probeHealth(this.clock, signal, async () => {
      let models: string[];
      try {
        models = await this.listModels(signal);
      } catch (error) {
        throw ReelayError.isInstance(error) ? this.explain(error, this.model) : error;
      }
      if (!models.some((m) => ollamaModelMatches(m, this.model))) {
        return { healthy: false, message: this.missingModel(this.model) };
      }
      return `${models.length} models installed; ${this.model} ready`;
    });
  }

  private async run(request: ChatRequest, model: string, ctx: ProviderCallContext): Promise<ChatResult> {
    const stream = await openNdjsonStream(this.http, {
      url: `${this.baseUrl}/api/chat`,
      json: ollamaChatBody(request, model, this.stream),
      signal: ctx.signal,
    });
    let text = '';
    let tokens = 0;
    let usage: Usage | undefined;
    let doneReason: string | undefined;
    let servedModel: string | undefined;
    let done = false;
    for await (const value of stream.items) {
      const line = parseOllamaLine(value);
      if (line.error !== undefined) throw this.streamError(line.error);
      servedModel ??= line.model;
      if (line.content !== '') {
        text += line.content;
        tokens += 1;
        if (this.stream) ctx.heartbeat({ tokens });
      }
      if (line.done) {
        done = true;
        usage = line.usage;
        doneReason = line.doneReason;
        break;
      }
    }
    if (!done) {
      throw new ReelayError(
        'REELAY_ERR_PROVIDER',
        `${this.displayName} at ${this.baseUrl} ended the answer before it was done: the call may succeed if retried.`,
        { category: 'network_error', retryable: true, provider: this.displayName },
      );
    }
    const prompt = request.messages.map((m) => m.content).join('\n');
    const finalUsage = usage ?? { inputTokens: estimateTokens(prompt), outputTokens: tokens };
    if (!this.stream) ctx.heartbeat({ tokens: finalUsage.outputTokens ?? tokens });
    return { text, model: servedModel ?? model, usage: finalUsage, finishReason: doneReason };
  }

  private streamError(message: string): ReelayError {
    const cleaned = message.replace(/\s+/g, ' ').slice(0, 200);
    return new ReelayError(
      'REELAY_ERR_PROVIDER',
      `${this.displayName} failed in the middle of the answer: the call may succeed if retried. Ollama said: "${cleaned}"`,
      { category: 'api_failure', retryable: true, provider: this.displayName, details: { inStream: true } },
    );
  }

  private missingModel(model: string): string {
    return `Model ${model} is not available in Ollama at ${this.baseUrl}: run \`ollama pull ${model}\`.`;
  }

  /** Adds Ollama-specific advice, keeping the classifier's category and retryable flag. */
  private explain(error: ReelayError, model: string): ReelayError {
    if (error.details.providerCode === 'model_not_found') return rewordError(error, this.missingModel(model));
    const code = error.details.errorCode;
    if (typeof code === 'string' && UNREACHABLE[code]) {
      const why = code === 'ECONNREFUSED' ? '' : ` (${UNREACHABLE[code]}, ${code})`;
      return rewordError(
        error,
        `Ollama is not running at ${this.baseUrl}${why}: start it with \`ollama serve\`${code === 'ECONNREFUSED' ? '' : ', or check the address'}.`,
      );
    }
    return error;
  }
}
