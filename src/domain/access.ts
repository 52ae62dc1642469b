/**
 * Who may do what through the HTTP API: the scopes an API key carries and the caller a request
 * acts for. Rules: docs/configuration.md#api-keys-and-scopes.
 */

/** The scopes an API key can carry. */
export const API_KEY_SCOPES = ['submit', 'read', 'admin'] as const;

/**
 * One of {@link API_KEY_SCOPES}: `submit` creates jobs and reads, cancels and answers its own
 * jobs; `read` reads providers, metrics, budgets and its own jobs; `admin` changes circuits, sees
 * and acts on every operator's jobs (and implies the other two).
 */
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** One configured API key: the owner name jobs record, the secret, and its scopes. */
export interface ApiKeySpec {
  /** Owner name (`[A-Za-z0-9._-]`, 1–64): recorded on the jobs the key submits, shown by whoami. */
  name: string;
  /** The bearer token. Never logged, stored or echoed. */
  key: string;
  /** Granted scopes; `admin` implies `submit` and `read`. */
  scopes: readonly ApiKeyScope[];
}

/** The caller a request acts for. */
export interface Principal {
  /** Owner name of the key; null for an anonymous caller (the server has no keys). */
  name: string | null;
  /** Effective scopes (`admin` already expanded). */
  scopes: ReadonlySet<ApiKeyScope>;
}

/** The scopes in effect for a granted list: `admin` adds `submit` and `read`. */
export function effectiveScopes(granted: readonly ApiKeyScope[]): ReadonlySet<ApiKeyScope> {
  const out = new Set<ApiKeyScope>(granted);
  if (out.has('admin')) {
    out.add('submit');
    out.add('read');
  }
  return out;
}

/** True when the caller holds the scope. */
export function hasScope(principal: Principal, scope: ApiKeyScope): boolean {
  return principal.scopes.has(scope);
}

/**
 * True when the caller may see and act on a job submitted by `submittedBy` (null: anonymous):
 * an admin sees every job, anyone else only the jobs submitted under their own name.
 */
export function canAccessJob(principal: Principal, submittedBy: string | null | undefined): boolean {
  return principal.scopes.has('admin') || (submittedBy ?? null) === principal.name;
}
