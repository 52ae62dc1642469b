import { ReelayError } from '../../domain/errors.js';

/** The parts of a chat-completions body the endpoint reads; everything else is passed through. */
export interface ChatBody {
  model: string;
  messages: unknown[];
  stream: boolean;
  /** The body as received (never mutated). */
  raw: Record<string, unknown>;
}

/**
 * Checks a `POST /v1/chat/completions` body.
 * @throws ReelayError `REELAY_ERR_VALIDATION` naming the field.
 */
export function parseChatBody(body: unknown): ChatBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw fieldError('body', 'Send a JSON object with "model" and "messages".');
  const raw = body as Record<string, unknown>;
  if (typeof raw.model !== 'string' || raw.model.length === 0)
    throw fieldError('model', 'Set "model" to a model group name (see GET /v1/models).');
  if (!Array.isArray(raw.messages) || raw.messages.length === 0)
    throw fieldError('messages', 'Set "messages" to a non-empty array of chat messages.');
  return { model: raw.model, messages: raw.messages, stream: raw.stream === true, raw };
}

function fieldError(field: string, message: string): ReelayError {
  return new ReelayError('REELAY_ERR_VALIDATION', `The chat request is invalid: ${message}`, {
    details: { fields: [{ field, message }] },
  });
}

/** The text of one chat message (string content or text parts). */
export function contentText(message: unknown): string {
  if (typeof message !== 'object' || message === null) return '';
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string')
      text += (part as { text: string }).text;
  }
  return text;
}

/**
 * The upstream body for one attempt: the client's body with the deployment's model, usage
 * reporting requested on streams, and — for a continuation — the delivered text as an assistant
 * prefill.
 */
export function upstreamBody(body: ChatBody, model: string, prefill: string | undefined): string {
  const out: Record<string, unknown> = { ...body.raw, model };
  if (body.stream) {
    const options =
      typeof body.raw.stream_options === 'object' && body.raw.stream_options !== null
        ? body.raw.stream_options
        : {};
    out.stream_options = { ...options, include_usage: true };
  }
  if (prefill !== undefined) out.messages = [...body.messages, { role: 'assistant', content: prefill }];
  return JSON.stringify(out);
}
