import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorMessage, ReelayError } from '../../domain/errors.js';
import { isTerminalStatus } from '../../jobs/job-record.js';
import { JobIdParamsSchema, ProblemDetailsSchema } from '../api-schemas.js';
import { parseJobId, requireJob } from '../job-views.js';
import type { RouteDeps } from '../route-deps.js';
import { SseSession } from '../sse/sse-session.js';

/** Reads `Last-Event-ID` (header, else `?lastEventId=`); 0 when absent; 400 when not an event id. */
export function parseLastEventId(header: unknown, query: unknown): number {
  const raw = typeof header === 'string' && header.trim() !== '' ? header : query;
  if (raw === undefined || raw === null || raw === '') return 0;
  const text = String(raw).trim();
  if (/^\d{1,15}$/.test(text)) return Number(text);
  throw new ReelayError(
    'REELAY_ERR_VALIDATION',
    `Last-Event-ID "${text.slice(0, 40)}" is not an event id; send the id of the last event received.`,
    { details: { fields: [{ field: 'lastEventId', message: 'a non-negative integer' }] } },
  );
}

/**
 * `GET /:id/stream` under `/api/video`: Server-Sent Events of one job. Unknown job → 404 problem
 * details before any SSE header; then `retry:`, replay after `Last-Event-ID`, live events, a
 * `: keep-alive` comment on an interval, and the end after the terminal event.
 */
export async function streamRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { service, config, clock } = deps;

  app.get<{ Params: { id: string }; Querystring: { lastEventId?: string } }>(
    '/:id/stream',
    {
      schema: {
        summary: 'Server-Sent Events of one job (replay after Last-Event-ID, then live)',
        tags: ['video'],
        params: JobIdParamsSchema,
        querystring: z.object({ lastEventId: z.string().optional() }),
        response: {
          200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
          400: ProblemDetailsSchema,
          404: ProblemDetailsSchema,
        },
      },
    },
    async (request, reply) => {
      const id = parseJobId(request.params.id);
      const afterId = parseLastEventId(request.headers['last-event-id'], request.query.lastEventId);
      const job = await requireJob(service, id, request.principal);

      reply.hijack();
      const raw = reply.raw;
      const inherited: Record<string, string | number | string[]> = {};
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) inherited[name] = value;
      }
      raw.writeHead(200, {
        ...inherited,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-accel-buffering': 'no',
        connection: 'keep-alive',
      });
      const session = new SseSession({
        service,
        jobId: id,
        afterId,
        jobTerminal: isTerminalStatus(job.status),
        sink: raw,
        clock,
        keepAliveMs: config.sseKeepAliveMs,
        retryMs: config.sseRetryMs,
        includeHeartbeats: config.sseIncludeHeartbeats,
        maxBufferedBytes: config.sseMaxBufferedBytes,
        onEnd: (reason) => {
          unregister();
          request.log.debug({ jobId: id, reason, lastEventId: session.lastEventId }, 'event stream ended');
        },
      });
      const unregister = deps.sse.add(() => session.close('server-closing'));
      raw.on('close', () => session.close('client-gone'));
      request.log.debug({ jobId: id, afterId }, 'event stream opened');
      try {
        await session.start();
      } catch (error) {
        request.log.warn({ jobId: id, err: { message: errorMessage(error) } }, 'event stream failed');
      }
    },
  );
}
