import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { DOCS_PAGE_HTML } from './docs-page.js';

/** Paths of the generated API description and its page (served without an API key). */
export const OPENAPI_PATH = '/openapi.json';
/** Path of the human-readable API page. */
export const DOCS_PATH = '/docs';

/**
 * Registers `@fastify/swagger`, which collects every route's zod schema (converted to JSON Schema
 * by `fastify-type-provider-zod`) into an OpenAPI 3.1 document, served at `GET /openapi.json`,
 * and a small page rendering it at `GET /docs`. Must be registered before the routes.
 */
export function installOpenApi(app: FastifyInstance, version: string): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Reelay API',
        version,
        description:
          'Turns a written brief into a narrated video. Errors are RFC 9457 problem details ' +
          '(application/problem+json) with a correlation id; every response echoes X-Correlation-ID.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'One of REELAY_API_KEYS' },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  app.register(async (scope) => {
    scope.get(OPENAPI_PATH, { schema: { hide: true } }, async () => scope.swagger());
    scope.get(DOCS_PATH, { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').send(DOCS_PAGE_HTML),
    );
  });
}
