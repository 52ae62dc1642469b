import type { ApiKeyScope } from '../domain/access.js';

/** What a route needs: any one of these scopes; an empty list = any authenticated caller. */
export type ScopeRequirement = readonly ApiKeyScope[];

const OWN_JOBS: ScopeRequirement = ['submit', 'read'];
const SUBMIT: ScopeRequirement = ['submit'];
const READ: ScopeRequirement = ['read'];
const ADMIN: ScopeRequirement = ['admin'];

/**
 * Scope per route (`METHOD url pattern`). Routes on one job also check that the job is the
 * caller's own unless the caller is an admin (see `requireJob`).
 */
const ROUTE_SCOPES: Readonly<Record<string, ScopeRequirement>> = {
  'POST /api/video/generate': SUBMIT,
  'POST /api/video/:id/cancel': SUBMIT,
  'POST /api/jobs/:id/decisions': SUBMIT,
  'POST /v1/chat/completions': SUBMIT,
  'GET /api/video/:id/status': OWN_JOBS,
  'GET /api/video/:id/stream': OWN_JOBS,
  'GET /api/video/:id/download': OWN_JOBS,
  'HEAD /api/video/:id/download': OWN_JOBS,
  'GET /api/video/:id/metadata': OWN_JOBS,
  'GET /api/video/:id/thumbnail': OWN_JOBS,
  'GET /api/jobs/': OWN_JOBS,
  'GET /api/jobs': OWN_JOBS,
  'GET /api/jobs/search': OWN_JOBS,
  'GET /api/jobs/:id/decisions': OWN_JOBS,
  'GET /api/jobs/:id/decisions/pending': OWN_JOBS,
  'GET /api/auth/whoami': [],
  // Submitters choose providers per stage: the list (with health and breakers) is theirs to read.
  'GET /api/providers': OWN_JOBS,
  'POST /api/providers/:id/circuit': ADMIN,
};

/**
 * The scopes a route needs. Routes not listed: reads (`GET`, `HEAD`) need `read` (providers,
 * budgets, metrics, statistics, state health), anything else `admin` — a new write route is
 * closed until it is given its scope here.
 */
export function requiredScopes(method: string, routeUrl: string): ScopeRequirement {
  const listed = ROUTE_SCOPES[`${method} ${routeUrl}`];
  if (listed) return listed;
  return method === 'GET' || method === 'HEAD' ? READ : ADMIN;
}
