import type { FastifyInstance } from 'fastify';
import type { IdGenerator } from '../../domain/ids.js';
import { type Logger, silentLogger } from '../../domain/logger.js';
import type { RouteDeps } from '../route-deps.js';
import { handleChat } from './chat-exchange.js';
import type { OpenAiEndpointOptions } from './endpoint-options.js';
import { OpenAiProxy } from './openai-proxy.js';
import { warmUpstreamClient } from './upstream-call.js';
import { warmTokenizer } from './usage-counter.js';

/** What {@link openAiRoutes} receives: the server's deps plus the endpoint's options. */
export interface OpenAiRouteOptions extends RouteDeps {
  endpoint: OpenAiEndpointOptions;
  ids?: IdGenerator;
  logger?: Logger;
}

/**
 * The OpenAI-compatible endpoint as a Fastify plugin: `POST /v1/chat/completions`,
 * `GET /v1/models`, and `GET /api/sessions/:id/decisions` (a session's switches and attempts from
 * the audit trail), `GET /api/requests/:id/attempts` (the same for a request without a session, by
 * correlation id). Same authentication, correlation ids and problem details as every other route.
 */
export async function openAiRoutes(app: FastifyInstance, options: OpenAiRouteOptions): Promise<void> {
  const logger = options.endpoint.logger ?? options.logger ?? silentLogger;
  const proxy = new OpenAiProxy(options.endpoint, options.clock, logger, options.ids);
  warmTokenizer();
  // Before listening: the upstream client's parser is compiled at start, not on the first request.
  app.addHook('onReady', warmUpstreamClient);

  app.post(
    '/v1/chat/completions',
    { bodyLimit: options.endpoint.maxBodyBytes ?? 4 * 1024 * 1024 },
    (request, reply) => handleChat(proxy, request, reply),
  );

  app.get('/v1/models', async () => ({
    object: 'list',
    data: [
      ...proxy.catalog.groupNames().map((id) => ({ id, object: 'model', created: 0, owned_by: 'reelay' })),
      ...proxy.catalog
        .groupNames()
        .flatMap((g) => proxy.catalog.deploymentsOf(g))
        .map((d) => ({ id: d.id, object: 'model', created: 0, owned_by: d.provider })),
    ],
  }));

  app.get<{ Params: { id: string } }>('/api/sessions/:id/decisions', async (request) => {
    const id = request.params.id;
    const pin = await proxy.sessions.get(id);
    await proxy.attempts.flush();
    return {
      sessionId: id,
      deployment: pin?.deployment ?? null,
      decisions: await proxy.audit.history(`session:${id}`),
      attempts: await proxy.attempts.trail.history(`session:${id}`),
    };
  });

  app.get<{ Params: { id: string } }>('/api/requests/:id/attempts', async (request) => {
    const id = request.params.id;
    await proxy.attempts.flush();
    return {
      correlationId: id,
      decisions: await proxy.audit.history(`request:${id}`),
      attempts: await proxy.attempts.trail.history(`request:${id}`),
    };
  });
}
