/**
 * A rough token count for text whose provider did not report usage: about four characters per
 * token for English, the usual rule of thumb. Used only as an estimate (never for billing truth).
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}
