import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a {@link startLimitedUpstream} server counted. */
export interface UpstreamCounts {
  ok: number;
  /** Requests answered 429 because they exceeded the limit. */
  tooMany: number;
  /** Most requests ever seen in one window (must stay ≤ the limit). */
  maxInWindow: number;
}

/**
 * A provider simulator with a strict request limit: at most `limit` requests in any sliding
 * window of `windowMs` (counted on arrival, the strictest way a provider can count). Over the
 * limit it answers OpenAI's 429 with `retry-after`; every answer carries OpenAI's
 * `x-ratelimit-{limit,remaining,reset}-requests` headers. Answers `/v1/chat/completions`.
 */
export async function startLimitedUpstream(
  limit: number,
  windowMs: number,
): Promise<{ url: string; counts: UpstreamCounts; close(): Promise<void> }> {
  const arrivals: number[] = [];
  const counts: UpstreamCounts = { ok: 0, tooMany: 0, maxInWindow: 0 };
  const server: Server = createServer((req, res) => {
    const now = performance.now();
    while (arrivals.length > 0 && (arrivals[0] as number) + windowMs <= now) arrivals.shift();
    req.resume();
    const resetMs =
      arrivals.length > 0 ? Math.max(1, Math.ceil((arrivals[0] as number) + windowMs - now)) : 0;
    const headers = {
      'content-type': 'application/json',
      'x-ratelimit-limit-requests': String(limit),
      'x-ratelimit-reset-requests': `${resetMs}ms`,
    };
    if (arrivals.length >= limit) {
      counts.tooMany++;
      res.writeHead(429, {
        ...headers,
        'x-ratelimit-remaining-requests': '0',
        'retry-after-ms': String(resetMs),
      });
      res.end(
        JSON.stringify({
          error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
        }),
      );
      return;
    }
    arrivals.push(now);
    counts.ok++;
    counts.maxInWindow = Math.max(counts.maxInWindow, arrivals.length);
    res.writeHead(200, { ...headers, 'x-ratelimit-remaining-requests': String(limit - arrivals.length) });
    res.end(
      JSON.stringify({
        id: 'chatcmpl-sim',
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      }),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
