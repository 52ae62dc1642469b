import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { HttpContext, HttpRequest } from './http-context.js';
import { bodyChunks, sendRequest } from './send-request.js';

/** Progress of a binary download, passed to {@link BinaryDownloadOptions.onChunk}. */
export interface DownloadProgress {
  /** Chunks received so far (cumulative). */
  chunks: number;
  /** Body bytes received so far (cumulative). */
  bytes: number;
}

/** Options of {@link requestBinary}. */
export interface BinaryDownloadOptions {
  /** Final path of the file; it appears only when the whole body arrived. */
  outPath: string;
  /** Called after each chunk is written: push a chunk heartbeat from here. */
  onChunk?: (progress: DownloadProgress) => void;
  /** Bytes left (zeroed) at the start of the file for `finalize` to fill, e.g. a WAV header. @default 0 */
  reserveBytes?: number;
  /** Called with the open file and the body size before the file is moved into place. */
  finalize?: (file: FileHandle, bodyBytes: number) => Promise<void>;
}

/** Result of {@link requestBinary}. */
export interface BinaryDownloadResult {
  path: string;
  /** Body bytes written (excluding reserved bytes). */
  bytes: number;
  chunks: number;
  /** The response's content type, when it sent one. */
  contentType: string | undefined;
}

function tempSibling(path: string): string {
  const ext = extname(path);
  return join(dirname(path), `.${basename(path, ext)}.${randomBytes(4).toString('hex')}.tmp${ext}`);
}

/**
 * Sends a request and streams the binary response to `outPath` atomically (a temporary sibling
 * renamed into place on success, removed on failure or abort), calling `onChunk` per chunk.
 *
 * @example
 * await requestBinary(ctx, { url, json, headers, signal }, {
 *   outPath: '/w/narration.wav', onChunk: ({ chunks }) => heartbeat({ chunks }),
 * });
 */
export async function requestBinary(
  ctx: HttpContext,
  req: HttpRequest,
  options: BinaryDownloadOptions,
): Promise<BinaryDownloadResult> {
  const response = await sendRequest(ctx, req);
  const temp = tempSibling(options.outPath);
  const file = await open(temp, 'w');
  let closed = false;
  try {
    const reserve = options.reserveBytes ?? 0;
    if (reserve > 0) await file.write(new Uint8Array(reserve), 0, reserve, 0);
    let bytes = 0;
    let chunks = 0;
    for await (const chunk of bodyChunks(ctx, response, req.signal)) {
      if (chunk.byteLength === 0) continue;
      await file.write(chunk, 0, chunk.byteLength, reserve + bytes);
      bytes += chunk.byteLength;
      chunks += 1;
      options.onChunk?.({ chunks, bytes });
    }
    await options.finalize?.(file, bytes);
    await file.close();
    closed = true;
    await rename(temp, options.outPath);
    return {
      path: options.outPath,
      bytes,
      chunks,
      contentType: response.headers.get('content-type') ?? undefined,
    };
  } catch (error) {
    if (!closed) await file.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}
