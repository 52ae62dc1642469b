import type { ChatMessage, Usage } from '../domain/provider.js';

// English prose averages about four characters per token; close enough to price a call before it runs.
const CHARS_PER_TOKEN = 4;

/** Expected usage of a chat call: its prompt's tokens and up to `maxOutputTokens` of answer. */
export function estimateChatUsage(messages: readonly ChatMessage[], maxOutputTokens: number): Usage {
  const chars = messages.reduce((sum, m) => sum + m.content.length, 0);
  return { inputTokens: Math.ceil(chars / CHARS_PER_TOKEN), outputTokens: maxOutputTokens, requests: 1 };
}

/** Expected usage of a speech call: its characters and the seconds of audio it should produce. */
export function estimateSpeechUsage(text: string, estimatedDurationMs: number): Usage {
  return { characters: text.length, seconds: Math.ceil(estimatedDurationMs / 1000), requests: 1 };
}

/** Expected usage of an image call. */
export function estimateImageUsage(images = 1): Usage {
  return { images, requests: 1 };
}

/** Expected usage of a video render: the seconds of video it produces. */
export function estimateVideoUsage(durationMs: number): Usage {
  return { seconds: Math.ceil(durationMs / 1000), requests: 1 };
}
