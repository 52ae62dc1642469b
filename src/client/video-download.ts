import { ReelayApiError } from './api-error.js';
import { backoffMs, type SleepFn } from './client-options.js';
import type { HttpTransport } from './http-transport.js';

/** Where downloaded bytes go instead of memory (a `WritableStreamDefaultWriter` or a Node stream fit). */
export interface ByteSink {
  write(chunk: Uint8Array): unknown;
}

/** Options of `ReelayClient.downloadVideo`. */
export interface DownloadOptions {
  /** Called after each chunk with bytes received so far (including `resumeFrom`) and the total, when known. */
  onProgress?: (received: number, total: number | null) => void;
  signal?: AbortSignal;
  /** Bytes already held: the download asks for `Range: bytes=<resumeFrom>-`. @default 0 */
  resumeFrom?: number;
  /** Write chunks here instead of collecting them; `data` is then null. */
  sink?: ByteSink;
}

/** Result of a download. */
export interface DownloadResult {
  /** The bytes received (from `resumeFrom` on), or null when a sink took them. */
  data: Uint8Array | null;
  /** Bytes held after the download, counting `resumeFrom`. */
  bytesReceived: number;
  totalBytes: number | null;
}

function totalOf(response: Response, offset: number): number | null {
  const range = response.headers.get('content-range');
  const m = range ? /\/(\d+)$/.exec(range) : null;
  if (m?.[1]) return Number(m[1]);
  const length = response.headers.get('content-length');
  return length === null ? null : Number(length) + (response.status === 206 ? offset : 0);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Downloads a job's video, resuming with `Range: bytes=<n>-` (from `resumeFrom`, and after a
 * connection drop mid-body, up to `retries` times). A server that ignores the range (200) has
 * its first bytes skipped; a 416 at the end of the file means there was nothing left to fetch.
 */
export async function downloadJobVideo(
  transport: HttpTransport,
  sleep: SleepFn,
  retries: number,
  retryCapMs: number,
  jobId: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const path = `/api/video/${encodeURIComponent(jobId)}/download`;
  const start = Math.max(0, options.resumeFrom ?? 0);
  let offset = start;
  let total: number | null = null;
  const chunks: Uint8Array[] = [];
  for (let attempt = 1; ; attempt++) {
    const headers: Record<string, string> = { accept: 'video/mp4' };
    if (offset > 0) headers.range = `bytes=${offset}-`;
    const { response } = await transport.send({
      method: 'GET',
      path,
      headers,
      idempotent: true,
      stream: true,
      acceptStatuses: offset > 0 ? [416] : [],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (response.status === 416) {
      total = totalOf(response, offset);
      await response.body?.cancel();
      break;
    }
    total = totalOf(response, offset);
    let skip = response.status === 200 ? offset : 0;
    if (!response.body) break;
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        let chunk = value;
        if (skip > 0) {
          const dropped = Math.min(skip, chunk.length);
          chunk = chunk.subarray(dropped);
          skip -= dropped;
          if (chunk.length === 0) continue;
        }
        if (options.sink) await options.sink.write(chunk);
        else chunks.push(chunk);
        offset += chunk.length;
        options.onProgress?.(offset, total);
      }
      break;
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (attempt > retries) {
        throw new ReelayApiError({
          status: 0,
          code: 'REELAY_ERR_NETWORK',
          detail: `The download of job ${jobId} broke off at byte ${offset} after ${attempt} attempts; call downloadVideo again with resumeFrom: ${offset}.`,
          cause: error,
        });
      }
      await sleep(backoffMs(attempt, 1000, retryCapMs), options.signal);
    } finally {
      reader.releaseLock();
    }
  }
  return {
    data: options.sink ? null : concat(chunks, offset - start),
    bytesReceived: offset,
    totalBytes: total,
  };
}
