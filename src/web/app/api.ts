import { apiErrorFromResponse, ReelayApiError } from '../../client/api-error.js';
import { ReelayClient } from '../../client/reelay-client.js';

const KEY_ITEM = 'reelay.apiKey';

/** What the page knows about the server before calling the API. */
export interface Session {
  authRequired: boolean;
  client: ReelayClient;
  /** The key of this tab (sessionStorage only), when the server requires one. */
  apiKey: string | null;
  /** Who the server says the caller is (`GET /api/auth/whoami`). */
  who: WhoAmI;
}

/** Body of `GET /api/auth/whoami`: owner name of the key (null: anonymous) and its scopes. */
export interface WhoAmI {
  name: string | null;
  scopes: Array<'submit' | 'read' | 'admin'>;
  authRequired: boolean;
}

/** Until the server answered: assume nothing may be changed. */
export const UNKNOWN_CALLER: WhoAmI = { name: null, scopes: [], authRequired: false };

/**
 * Asks the server who the key belongs to (`GET /api/auth/whoami`); a wrong key fails with a 401
 * {@link ReelayApiError}. Any valid key may ask, whatever its scopes.
 */
export async function whoAmI(apiKey: string | null): Promise<WhoAmI> {
  const response = await fetch('/api/auth/whoami', {
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
  });
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as WhoAmI;
}

/** True when the caller may change circuit breakers (the `admin` scope). */
export function canAdminister(session: Session): boolean {
  return session.who.scopes.includes('admin');
}

/** The API key kept for this tab only (sessionStorage: gone when the tab closes). */
export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

/** Keeps (or with null forgets) the key for this tab. */
export function storeKey(key: string | null): void {
  try {
    if (key === null) sessionStorage.removeItem(KEY_ITEM);
    else sessionStorage.setItem(KEY_ITEM, key);
  } catch {
    // Storage can be disabled: the key then lasts as long as the page.
  }
}

/** A client for this origin with the tab's key. */
export function makeClient(apiKey: string | null): ReelayClient {
  return new ReelayClient({
    baseUrl: location.origin,
    ...(apiKey ? { apiKey } : {}),
    retries: 2,
    breakerFailureThreshold: 20,
    breakerOpenMs: 5000,
  });
}

/** GET a JSON path of the API with the tab's key; errors become {@link ReelayApiError}s. */
export async function getJson<T>(session: Session, path: string): Promise<T> {
  const response = await fetch(path, { headers: authHeaders(session) });
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as T;
}

/** GET a binary path (thumbnail, video) as an object URL, for elements that cannot send a key. */
export async function getBlobUrl(session: Session, path: string): Promise<string> {
  const response = await fetch(path, { headers: authHeaders(session) });
  if (!response.ok) throw await toApiError(response);
  return URL.createObjectURL(await response.blob());
}

function authHeaders(session: Session): Record<string, string> {
  return session.apiKey ? { authorization: `Bearer ${session.apiKey}` } : {};
}

async function toApiError(response: Response): Promise<ReelayApiError> {
  return apiErrorFromResponse(response, await response.text().catch(() => ''), Date.now());
}

/** A readable sentence for any error of an API call. */
export function describeError(error: unknown): string {
  if (ReelayApiError.isInstance(error)) {
    const id = error.correlationId ? ` (correlation id ${error.correlationId})` : '';
    return `${error.detail}${id}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** True when the error says the key is missing or wrong. */
export function isAuthError(error: unknown): boolean {
  return ReelayApiError.isInstance(error) && error.status === 401;
}
