import { contentText } from './chat-body.js';

/** OpenAI `usage`. */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

type CountTokens = (text: string) => number;
let counter: Promise<CountTokens> | undefined;

/** The tokenizer, loaded on first use (its tables are large; most upstreams report usage). */
function tokenizer(): Promise<CountTokens> {
  counter ??= import('gpt-tokenizer').then((m) => (text: string) => m.countTokens(text));
  return counter;
}

/** Starts loading the tokenizer in the background (so the first count does not wait for it). */
export function warmTokenizer(): void {
  tokenizer().catch(() => {});
}

/**
 * Counts usage with the `gpt-tokenizer` library (o200k encoding) when the upstream did not report
 * it: each message costs its text plus 4 tokens of framing, and the reply is primed with 3.
 */
export async function countUsage(messages: readonly unknown[], completion: string): Promise<ChatUsage> {
  const count = await tokenizer();
  let prompt = 3;
  for (const m of messages) prompt += 4 + count(contentText(m));
  const completionTokens = completion.length === 0 ? 0 : count(completion);
  return {
    prompt_tokens: prompt,
    completion_tokens: completionTokens,
    total_tokens: prompt + completionTokens,
  };
}

/** A usage object when `value` is a well-formed OpenAI usage. */
export function usageFrom(value: unknown): ChatUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const u = value as Record<string, unknown>;
  const p = u.prompt_tokens;
  const c = u.completion_tokens;
  if (typeof p !== 'number' || typeof c !== 'number') return undefined;
  return {
    prompt_tokens: p,
    completion_tokens: c,
    total_tokens: typeof u.total_tokens === 'number' ? u.total_tokens : p + c,
  };
}
