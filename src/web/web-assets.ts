import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** One asset held in memory; its compressed forms are computed on first use, then kept. */
export interface WebAsset {
  name: string;
  contentType: string;
  body: Buffer;
  readonly gzip: Buffer;
  readonly brotli: Buffer;
  /** Strong validator: the first 16 hex digits of the body's SHA-256. */
  etag: string;
}

/** The files the build writes (see scripts/build-web.mjs) and the page loads. */
export const WEB_ASSET_NAMES = ['app.js', 'app.css'] as const;

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/**
 * The built assets' folder: `dist/web/assets` of the package, found from this module both when it
 * runs from `dist/web/` (installed package) and from `src/web/` (development, after `npm run build`).
 */
export function defaultWebAssetsDir(): string {
  return fileURLToPath(new URL('../../dist/web/assets/', import.meta.url));
}

/**
 * Wraps bytes as an asset. Compression happens once, on the first request that wants it (brotli at
 * quality 11: assets are small and static), so creating a server costs nothing.
 */
export function toWebAsset(name: string, body: Buffer): WebAsset {
  let gzip: Buffer | undefined;
  let brotli: Buffer | undefined;
  return {
    name,
    contentType: TYPES[extname(name)] ?? 'application/octet-stream',
    body,
    get gzip() {
      gzip ??= gzipSync(body, { level: 9 });
      return gzip;
    },
    get brotli() {
      brotli ??= brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
      return brotli;
    },
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`,
  };
}

/** Reads the built assets; null when the UI was not built (the server then explains how to build it). */
export async function loadWebAssets(dir: string): Promise<Map<string, WebAsset> | null> {
  const assets = new Map<string, WebAsset>();
  try {
    for (const name of WEB_ASSET_NAMES) assets.set(name, toWebAsset(name, await readFile(join(dir, name))));
  } catch {
    return null;
  }
  return assets;
}

/** Picks the smallest encoding the client accepts: `br`, then `gzip`, else identity. */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | null {
  const accepted = (acceptEncoding ?? '')
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => q === undefined || !/^\s*q=0(\.0*)?\s*$/.test(q))
    .map(([coding]) => coding?.trim().toLowerCase());
  if (accepted.includes('br')) return 'br';
  if (accepted.includes('gzip')) return 'gzip';
  return null;
}
