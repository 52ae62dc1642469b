import type { ApiKeyScope, Principal } from '../domain/access.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/** True when the request comes from this machine. */
export function isLoopback(ip: string): boolean {
  return LOOPBACK.test(ip);
}

const LOCAL_OPERATOR: ReadonlySet<ApiKeyScope> = new Set(['submit', 'read', 'admin']);
const REMOTE_ANONYMOUS: ReadonlySet<ApiKeyScope> = new Set(['submit', 'read']);

/**
 * The caller of a server without API keys: anonymous (name null) with `submit` and `read`; from
 * loopback also `admin`, so circuit changes and other operators' jobs stay with the machine's own
 * users while no keys are configured.
 */
export function anonymousPrincipal(ip: string): Principal {
  return { name: null, scopes: isLoopback(ip) ? LOCAL_OPERATOR : REMOTE_ANONYMOUS };
}
