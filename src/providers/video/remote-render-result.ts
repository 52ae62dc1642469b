import type { VideoRenderResult } from '../../domain/provider.js';
import type { HttpContext } from '../http/http-context.js';
import { requestBinary } from '../http/request-binary.js';
import { probeMedia } from '../media/ffprobe.js';

/**
 * Downloads a finished remote render from its pre-signed URL to `outPath` (atomically). The URL may
 * live on another host (a CDN), so no API key or other provider header is sent there.
 */
export function downloadPresigned(
  http: HttpContext,
): (url: string, outPath: string, signal: AbortSignal) => Promise<void> {
  return async (url, outPath, signal) => {
    await requestBinary(http, { url, signal }, { outPath });
  };
}

/**
 * The result of a remote render written at `outPath`: its duration as FFprobe measures it, else
 * `estimateMs` (also when probing fails), billed as its seconds and one request.
 */
export async function remoteRenderResult(
  outPath: string,
  estimateMs: number,
  signal: AbortSignal,
): Promise<VideoRenderResult> {
  const durationMs = await probeMedia(outPath, signal).then(
    (info) => info.durationMs || estimateMs,
    () => estimateMs,
  );
  return { path: outPath, durationMs, usage: { seconds: durationMs / 1000, requests: 1 } };
}
