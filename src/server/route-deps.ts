import type { Principal } from '../domain/access.js';
import type { Clock } from '../domain/clock.js';
import type { ReelayService } from '../jobs/reelay-service.js';
import type { HttpMetrics } from './http-metrics.js';
import type { ResolvedServerConfig } from './server-options.js';
import type { SseHub } from './sse/sse-hub.js';

/** What every route plugin receives from {@link createServer}. */
export interface RouteDeps {
  service: ReelayService;
  config: ResolvedServerConfig;
  clock: Clock;
  metrics: HttpMetrics;
  /** Open SSE streams, ended when the server closes. */
  sse: SseHub;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, for rate limits: `key:<digest prefix>` with auth, else `ip:<address>`. */
    clientKey: string;
    /**
     * The caller: the key's owner name and scopes, or the anonymous caller of a server without
     * keys. Set by the auth hook on every non-public route.
     */
    principal: Principal;
    /** Clock reading when the request arrived (ms). */
    arrivedAt: number;
  }
}
