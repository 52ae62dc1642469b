import type { SimProtocol } from './scenario-schema.js';

/** Kinds of error the simulator answers with. */
export type SimErrorKind =
  | 'rate_limit'
  | 'server_error'
  | 'context_length'
  | 'content_policy'
  | 'reject_prefill'
  | 'unavailable';

const MESSAGES: Record<SimErrorKind, { message: string; type: string; code: string | null }> = {
  rate_limit: {
    message: 'Rate limit reached for requests (simulated).',
    type: 'requests',
    code: 'rate_limit_exceeded',
  },
  server_error: {
    message: 'The server had an error while processing your request (simulated).',
    type: 'server_error',
    code: null,
  },
  unavailable: {
    message: 'The engine is currently overloaded (simulated flapping).',
    type: 'server_error',
    code: null,
  },
  context_length: {
    message:
      "This model's maximum context length is exceeded; please reduce the length of the messages (simulated).",
    type: 'invalid_request_error',
    code: 'context_length_exceeded',
  },
  content_policy: {
    message: 'Your request was rejected as a result of our safety system (simulated).',
    type: 'invalid_request_error',
    code: 'content_policy_violation',
  },
  reject_prefill: {
    message: 'An assistant message cannot be the last message for this model (simulated).',
    type: 'invalid_request_error',
    code: 'invalid_prefill',
  },
};

/** The error body a real provider of `protocol` sends for `kind`. */
export function errorBody(protocol: SimProtocol, kind: SimErrorKind, status: number): unknown {
  const m = MESSAGES[kind];
  switch (protocol) {
    case 'openai':
      return {
        error: {
          message: m.message,
          type: m.type,
          param: kind === 'context_length' ? 'messages' : null,
          code: m.code,
        },
      };
    case 'ollama':
      return { error: m.message };
    case 'elevenlabs':
      return { detail: { status: m.code ?? m.type, message: m.message } };
    case 'sdwebui':
      return { error: m.type, detail: m.message, body: '', errors: String(status) };
  }
}
