import type { ChatRequest, Usage } from '../../domain/provider.js';
import { MalformedResponseError } from '../../resilience/output-errors.js';

/** The request body of OpenAI's `POST /chat/completions` (the fields Reelay sends). */
export interface OpenAiChatBody {
  model: string;
  messages: { role: string; content: string }[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  temperature?: number;
  max_tokens?: number;
  response_format?: { type: 'json_object' };
}

/** Builds the wire body for a chat request. */
export function openAiChatBody(request: ChatRequest, model: string, stream: boolean): OpenAiChatBody {
  const body: OpenAiChatBody = {
    model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    stream,
  };
  if (stream) body.stream_options = { include_usage: true };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  // `max_tokens` (not the newer `max_completion_tokens`) is what every compatible server accepts.
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.json) body.response_format = { type: 'json_object' };
  return body;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an OpenAI `usage` object (`prompt_tokens`, `completion_tokens`). */
export function openAiUsage(value: unknown): Usage | undefined {
  if (!isObject(value)) return undefined;
  const input = value.prompt_tokens;
  const output = value.completion_tokens;
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return { inputTokens: input, outputTokens: output };
}

/** One parsed `chat.completion.chunk`. */
export interface OpenAiChunk {
  /** Content delta of the first choice ('' when none). */
  delta: string;
  finishReason: string | undefined;
  model: string | undefined;
  usage: Usage | undefined;
  /** An `error` object the server sent inside the stream. */
  error: Json | undefined;
}

/** Parses one SSE `data:` payload of a streamed chat completion. */
export function parseOpenAiChunk(data: string): OpenAiChunk {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    throw new MalformedResponseError(`stream chunk is not JSON ("${data.slice(0, 40)}")`, { cause: error });
  }
  if (!isObject(value)) throw new MalformedResponseError('stream chunk is not a JSON object');
  const choices = Array.isArray(value.choices) ? value.choices : [];
  const first = isObject(choices[0]) ? choices[0] : undefined;
  const delta = isObject(first?.delta) && typeof first.delta.content === 'string' ? first.delta.content : '';
  return {
    delta,
    finishReason: typeof first?.finish_reason === 'string' ? first.finish_reason : undefined,
    model: typeof value.model === 'string' ? value.model : undefined,
    usage: openAiUsage(value.usage),
    error: isObject(value.error) ? value.error : undefined,
  };
}

/** The parts of a non-streamed `chat.completion` Reelay uses. */
export interface OpenAiCompletion {
  text: string;
  finishReason: string | undefined;
  model: string | undefined;
  usage: Usage | undefined;
}

/** Parses a non-streamed `chat.completion`; throws `MalformedResponseError` when it has no message. */
export function parseOpenAiCompletion(value: unknown): OpenAiCompletion {
  if (!isObject(value)) throw new MalformedResponseError('chat completion is not a JSON object');
  const choices = Array.isArray(value.choices) ? value.choices : [];
  const first = isObject(choices[0]) ? choices[0] : undefined;
  const message = isObject(first?.message) ? first.message : undefined;
  if (!message || (typeof message.content !== 'string' && message.content !== null)) {
    throw new MalformedResponseError('chat completion has no choices[0].message.content');
  }
  return {
    text: typeof message.content === 'string' ? message.content : '',
    finishReason: typeof first?.finish_reason === 'string' ? first.finish_reason : undefined,
    model: typeof value.model === 'string' ? value.model : undefined,
    usage: openAiUsage(value.usage),
  };
}

/** Model ids of a `GET /models` list (`{ object: 'list', data: [{ id }] }`). */
export function parseOpenAiModels(value: unknown): string[] {
  if (!isObject(value) || !Array.isArray(value.data)) {
    throw new MalformedResponseError('model list has no data array');
  }
  return value.data.flatMap((m) => (isObject(m) && typeof m.id === 'string' ? [m.id] : []));
}
