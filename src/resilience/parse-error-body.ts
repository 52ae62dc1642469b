import { redactKeyLike } from '../domain/redact.js';

/** What a provider's error body says, reduced to a short message and its error codes. */
export interface ParsedErrorBody {
  /** The provider's message, redacted and at most {@link MAX_PROVIDER_MESSAGE} characters. */
  message: string | undefined;
  /** Candidate codes, most specific first (e.g. OpenAI `code` before `type`). */
  codes: string[];
}

/** Longest provider message kept in errors. */
export const MAX_PROVIDER_MESSAGE = 200;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Shortens and redacts text from a provider before it goes anywhere. */
export function shortProviderText(text: string): string {
  const oneLine = redactKeyLike(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_PROVIDER_MESSAGE ? `${oneLine.slice(0, MAX_PROVIDER_MESSAGE - 1)}…` : oneLine;
}

/** FastAPI validation errors: `detail: [{ loc, msg, type }]`. */
function fromDetailList(detail: unknown[]): string | undefined {
  const first = detail[0];
  if (!isObject(first)) return undefined;
  const loc = Array.isArray(first.loc) ? first.loc.join('.') : undefined;
  const msg = str(first.msg);
  return msg && loc ? `${loc}: ${msg}` : msg;
}

function parseObject(body: Json): { message: string | undefined; codes: (string | undefined)[] } {
  const { error, detail } = body;
  // OpenAI, HeyGen: { error: { message, type, code } }; Anthropic: { type: 'error', error: { type, message } }
  if (isObject(error)) {
    return { message: str(error.message), codes: [str(error.code), str(error.type), str(error.status)] };
  }
  // ElevenLabs: { detail: { status, message } }
  if (isObject(detail))
    return { message: str(detail.message), codes: [str(detail.status), str(detail.code)] };
  // FastAPI validation: { detail: [ ... ] }
  if (Array.isArray(detail)) return { message: fromDetailList(detail), codes: [] };
  // Stable Diffusion WebUI: { error: 'RuntimeError', detail, body, errors }
  const errors = str(body.errors);
  if (typeof error === 'string' && errors !== undefined) return { message: `${error}: ${errors}`, codes: [] };
  // Ollama, Runway: { error: '…' }; ElevenLabs / FastAPI: { detail: '…' }
  const message = str(error) ?? str(detail) ?? str(body.message);
  return { message, codes: [typeof body.code === 'string' ? body.code : undefined] };
}

/** Codes some providers only state in prose (Ollama's missing model, Anthropic's long prompt). */
function codesFromMessage(message: string | undefined): string[] {
  if (message === undefined) return [];
  const lower = message.toLowerCase();
  const codes: string[] = [];
  if (/model\b.*\bnot found/.test(lower)) codes.push('model_not_found');
  if (/prompt is too long|maximum context length|context length/.test(lower)) {
    codes.push('context_length_exceeded');
  }
  return codes;
}

/**
 * Parses the error body of any supported provider: OpenAI, Anthropic, ElevenLabs, Ollama,
 * Stable Diffusion WebUI / FastAPI, HeyGen, Runway. Non-JSON bodies yield their text (HTML pages
 * yield no message). Messages are redacted with `redactKeyLike` and shortened.
 */
export function parseErrorBody(bodyText: string | undefined): ParsedErrorBody {
  const text = bodyText?.trim() ?? '';
  if (text === '') return { message: undefined, codes: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (text.startsWith('<')) return { message: undefined, codes: [] };
    const message = shortProviderText(text);
    return { message, codes: codesFromMessage(message) };
  }
  if (!isObject(parsed)) {
    const message = typeof parsed === 'string' ? shortProviderText(parsed) : undefined;
    return { message, codes: codesFromMessage(message) };
  }
  const raw = parseObject(parsed);
  const message = raw.message === undefined ? undefined : shortProviderText(raw.message);
  const codes = [...raw.codes, ...codesFromMessage(message)].filter(
    (code): code is string => code !== undefined && code !== 'error',
  );
  return { message, codes: [...new Set(codes)] };
}
