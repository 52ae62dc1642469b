import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ReelayError } from '../domain/errors.js';
import { defaultWebAssetsDir, loadWebAssets, pickEncoding, toWebAsset, type WebAsset } from './web-assets.js';
import { WEB_ASSET_PREFIX } from './web-paths.js';

/** Options of {@link webUiPlugin}. */
export interface WebUiOptions {
  /** Whether the API needs a key: the page then asks for one. */
  config: { apiKeys: readonly unknown[] };
  /** Folder of the built assets. @default dist/web/assets of the package */
  assetsDir?: string;
}

/** Body of `GET /ui/settings.json`: what the page must know before its first API call. */
export interface WebUiSettings {
  authRequired: boolean;
}

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; script-src 'self'; " +
    "style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function page(assets: Map<string, WebAsset>): string {
  const v = (name: string): string => assets.get(name)?.etag.replace(/"/g, '') ?? '0';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Reelay</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${WEB_ASSET_PREFIX}app.css?v=${v('app.css')}">
<script type="module" src="${WEB_ASSET_PREFIX}app.js?v=${v('app.js')}"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<div id="app"><noscript>The Reelay web UI needs JavaScript.</noscript></div>
</body>
</html>
`;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reelay</title></head>
<body><main><h1>Reelay</h1><p>The web UI is not built in this installation. Run <code>npm run build</code>
(it bundles the UI into <code>dist/web/assets</code>) and restart <code>reelay serve</code>. The HTTP API
under <code>/api</code> works without it.</p></main></body></html>
`;

function send(request: FastifyRequest, reply: FastifyReply, asset: WebAsset, cache: string): FastifyReply {
  reply
    .header('content-type', asset.contentType)
    .header('etag', asset.etag)
    .header('cache-control', cache)
    .header('vary', 'accept-encoding');
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  const encoding = pickEncoding(request.headers['accept-encoding']);
  if (encoding) reply.header('content-encoding', encoding);
  return reply.send(encoding === 'br' ? asset.brotli : encoding === 'gzip' ? asset.gzip : asset.body);
}

/**
 * Serves the web UI: the page at `/`, its bundled script and style under `/ui/`, and
 * `/ui/settings.json`. Everything is read from the built assets once, at start, and sent
 * compressed (brotli or gzip) from memory; nothing is fetched from the network at run time.
 * Without built assets `/` explains how to build them.
 */
export async function webUiPlugin(app: FastifyInstance, options: WebUiOptions): Promise<void> {
  const assets = await loadWebAssets(options.assetsDir ?? defaultWebAssetsDir());
  const settings: WebUiSettings = { authRequired: options.config.apiKeys.length > 0 };
  const index = toWebAsset('index.html', Buffer.from(assets ? page(assets) : NOT_BUILT, 'utf8'));

  const sendPage = async (request: FastifyRequest, reply: FastifyReply) =>
    send(request, reply, index, 'no-cache');
  app.get('/', sendPage);
  app.get('/index.html', sendPage);

  app.get(`${WEB_ASSET_PREFIX}settings.json`, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return settings;
  });

  app.get<{ Params: { name: string } }>(`${WEB_ASSET_PREFIX}:name`, async (request, reply) => {
    const asset = assets?.get(request.params.name);
    if (!asset) {
      throw new ReelayError(
        'REELAY_ERR_NOT_FOUND',
        `No web UI asset "${request.params.name.slice(0, 60)}"; the page loads app.js and app.css${assets ? '' : ' (not built: run npm run build)'}.`,
      );
    }
    // The page references assets with a version query, so a long cache is safe.
    return send(request, reply, asset, 'public, max-age=31536000, immutable');
  });
}
