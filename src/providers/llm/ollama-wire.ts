import type { ChatRequest, Usage } from '../../domain/provider.js';
import { MalformedResponseError } from '../../resilience/output-errors.js';

/** The request body of Ollama's `POST /api/chat` (the fields Reelay sends). */
export interface OllamaChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  format?: 'json';
  options?: { temperature?: number; num_predict?: number };
}

/** Builds the wire body for a chat request. */
export function ollamaChatBody(request: ChatRequest, model: string, stream: boolean): OllamaChatBody {
  const body: OllamaChatBody = {
    model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    stream,
  };
  if (request.json) body.format = 'json';
  const options: OllamaChatBody['options'] = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (Object.keys(options).length > 0) body.options = options;
  return body;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line of an `/api/chat` answer (streamed) or the whole answer (not streamed). */
export interface OllamaLine {
  content: string;
  done: boolean;
  doneReason: string | undefined;
  model: string | undefined;
  /** From `prompt_eval_count` / `eval_count` on the final line. */
  usage: Usage | undefined;
  /** Nanoseconds spent loading the model (cold start), on the final line. */
  loadDurationNs: number | undefined;
  /** An `{ error }` line: Ollama failed after it started answering. */
  error: string | undefined;
}

/** Parses one `/api/chat` line. */
export function parseOllamaLine(value: unknown): OllamaLine {
  if (!isObject(value)) throw new MalformedResponseError('chat line is not a JSON object');
  const message = isObject(value.message) ? value.message : undefined;
  const content = typeof message?.content === 'string' ? message.content : '';
  const input = value.prompt_eval_count;
  const output = value.eval_count;
  const usage =
    typeof input === 'number' || typeof output === 'number'
      ? {
          inputTokens: typeof input === 'number' ? input : 0,
          outputTokens: typeof output === 'number' ? output : 0,
        }
      : undefined;
  return {
    content,
    done: value.done === true,
    doneReason: typeof value.done_reason === 'string' ? value.done_reason : undefined,
    model: typeof value.model === 'string' ? value.model : undefined,
    usage,
    loadDurationNs: typeof value.load_duration === 'number' ? value.load_duration : undefined,
    error: typeof value.error === 'string' ? value.error : undefined,
  };
}

/** Model names of `GET /api/tags` (`{ models: [{ name, model }] }`). */
export function parseOllamaTags(value: unknown): string[] {
  if (!isObject(value) || !Array.isArray(value.models)) {
    throw new MalformedResponseError('model list has no models array');
  }
  return value.models.flatMap((m) => (isObject(m) && typeof m.name === 'string' ? [m.name] : []));
}

/** Whether `installed` (e.g. `llama3.1:latest`) satisfies the configured `model` (e.g. `llama3.1`). */
export function ollamaModelMatches(installed: string, model: string): boolean {
  if (installed === model) return true;
  return !model.includes(':') && installed === `${model}:latest`;
}
