import type { Principal } from '../domain/access.js';
import { ReelayError } from '../domain/errors.js';
import { requiredScopes } from './route-scopes.js';

/**
 * Throws a 403 `REELAY_ERR_FORBIDDEN` naming the scope when the caller lacks every scope the
 * route accepts. `authEnabled` false: the caller is anonymous, and only loopback callers hold
 * `admin`, so the message says how to become an operator.
 */
export function checkScopes(principal: Principal, method: string, route: string, authEnabled: boolean): void {
  const needed = requiredScopes(method, route);
  if (needed.length === 0 || needed.some((s) => principal.scopes.has(s))) return;
  const scopeText = needed.map((s) => `"${s}"`).join(' or ');
  const message = authEnabled
    ? `${method} ${route} needs the ${scopeText} scope; the key "${principal.name}" has ${[...principal.scopes].join(', ') || 'no scopes'}. Use a key with that scope (REELAY_API_KEYS on the server).`
    : `${method} ${route} needs an operator (the ${scopeText} scope): set REELAY_API_KEYS on the server and send a key with that scope, or call from the server itself (loopback).`;
  throw new ReelayError('REELAY_ERR_FORBIDDEN', message, {
    details: { requiredScope: needed[0], acceptedScopes: [...needed] },
  });
}
