/** Where the web UI's assets are served from (the page itself is `/`). */
export const WEB_ASSET_PREFIX = '/ui/';

/**
 * True for the paths of the web UI (the page, its assets and its public settings): a browser
 * loads them without an `Authorization` header, so they are served without an API key. They
 * carry no data; every API call the page makes still needs the key.
 */
export function isWebUiPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith(WEB_ASSET_PREFIX);
}
