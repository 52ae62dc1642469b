import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActiveFaults } from './fault-plan.js';

/** Resolves after `ms` (at once for 0); never keeps the process alive. */
export function wait(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
  });
}

/** Reads a request body as JSON (an empty or invalid body gives `{}`). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Sends a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Writes when the client is still there; false when it is gone. */
export function write(res: ServerResponse, text: string): boolean {
  if (res.destroyed || res.writableEnded) return false;
  res.write(text);
  return true;
}

/** Characters of prompt text in OpenAI/Ollama `messages` (or an Ollama `prompt`). */
export function promptChars(body: Record<string, unknown>): number {
  let n = typeof body.prompt === 'string' ? body.prompt.length : 0;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) n += contentOf(m).length;
  }
  return n;
}

/** The text of one chat message (string content or text parts). */
export function contentOf(message: unknown): string {
  if (typeof message !== 'object' || message === null) return '';
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) =>
      typeof p === 'object' && p !== null && typeof (p as { text?: unknown }).text === 'string'
        ? (p as { text: string }).text
        : '',
    )
    .join('');
}

/** The assistant prefill of a request: the last message's text when it is an assistant message. */
export function prefillOf(body: Record<string, unknown>): string | undefined {
  if (!Array.isArray(body.messages)) return undefined;
  const last: unknown = body.messages[body.messages.length - 1];
  if (typeof last !== 'object' || last === null || (last as { role?: unknown }).role !== 'assistant')
    return undefined;
  return contentOf(last);
}

/** Cuts the connection once what was written has been flushed (a cut mid-answer, not before it). */
export function cutAfterFlush(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve();
      return;
    }
    res.write('', () => {
      res.destroy();
      resolve();
    });
  });
}

/**
 * Applies the `cut` and `stall` faults due before stream chunk `i`: a cut ends the connection once
 * flushed, a stall waits its `ms` (or forever when it has none, until the client gives up).
 * Resolves false when the stream must not go on.
 */
export async function streamFaultsBefore(
  res: ServerResponse,
  faults: ActiveFaults,
  i: number,
): Promise<boolean> {
  if (faults.cut && i === faults.cut.afterChunks) {
    await cutAfterFlush(res);
    return false;
  }
  if (faults.stall && i === faults.stall.afterChunks) {
    if (faults.stall.ms === undefined) return false;
    await wait(faults.stall.ms);
  }
  return true;
}
