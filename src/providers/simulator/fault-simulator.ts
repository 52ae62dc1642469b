import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorBody, type SimErrorKind } from './error-bodies.js';
import { type ActiveFaults, FaultPlan } from './fault-plan.js';
import { handleOpenAiChat } from './openai-sim.js';
import { handleElevenLabs, handleOllama, handleSdTxt2Img } from './other-protocols-sim.js';
import { parseScenario, type Scenario, type ScenarioInput, type SimProtocol } from './scenario-schema.js';
import { prefillOf, promptChars, readJson, sendJson, wait } from './sim-http.js';

/** One request the simulator received (for tests and the `/__sim/requests` view). */
export interface SimRequestRecord {
  seq: number;
  protocol: SimProtocol;
  model: string;
  /** Fault kinds applied to it. */
  faults: string[];
  /** Whether it carried an assistant prefill. */
  prefill: boolean;
}

/** Options of {@link startFaultSimulator}. */
export interface FaultSimulatorOptions {
  /** The scenario (parsed or as written). @default no faults */
  scenario?: Scenario | ScenarioInput;
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

/** A running fault simulator. */
export interface FaultSimulator {
  /** Base URL, e.g. `http://127.0.0.1:4010` (OpenAI clients use `<url>/v1`). */
  readonly url: string;
  readonly port: number;
  /** Requests received so far, oldest first. */
  readonly requests: readonly SimRequestRecord[];
  /** Replaces the scenario (rule counters restart). */
  setScenario(scenario: Scenario | ScenarioInput): void;
  /** Stops listening and drops every open connection (silent and stalled ones included). */
  close(): Promise<void>;
}

interface Route {
  protocol: SimProtocol;
  handle(
    res: ServerResponse,
    body: Record<string, unknown>,
    model: string,
    faults: ActiveFaults,
    seq: number,
  ): Promise<void>;
}

/**
 * Starts a fake provider that speaks the OpenAI chat API (with SSE streaming), Ollama, ElevenLabs
 * and Stable Diffusion WebUI, and injects the scripted faults of a scenario: latency, slow first
 * token, stalls, cut streams, 429 with or without Retry-After, 5xx, resets, silence, malformed
 * chunks, a missing `[DONE]`, flapping, context-length, content-policy and prefill refusals.
 *
 * @example
 * const sim = await startFaultSimulator({ scenario: { faults: [{ kind: 'server_error', status: 503, times: 2 }] } });
 * // point a client at `${sim.url}/v1`
 * await sim.close();
 */
export async function startFaultSimulator(options: FaultSimulatorOptions = {}): Promise<FaultSimulator> {
  let plan = new FaultPlan(parseScenario(options.scenario ?? {}));
  const requests: SimRequestRecord[] = [];
  const sockets = new Set<Socket>();
  let seq = 0;

  const route = (method: string, path: string): Route | undefined => {
    if (method === 'POST' && path === '/v1/chat/completions')
      return {
        protocol: 'openai',
        handle: (res, body, model, faults, n) =>
          handleOpenAiChat(res, {
            body,
            model,
            reply: plan.replyOf(model),
            chunkDelayMs: plan.chunkDelayOf(model),
            toolCall: Array.isArray(body.tools) && body.tools.length > 0 ? plan.toolCallOf(model) : undefined,
            faults,
            seq: n,
          }),
      };
    if (method === 'POST' && (path === '/api/chat' || path === '/api/generate'))
      return {
        protocol: 'ollama',
        handle: (res, body, model, faults) =>
          handleOllama(
            res,
            body,
            model,
            plan.replyOf(model),
            plan.chunkDelayOf(model),
            faults,
            path === '/api/chat',
          ),
      };
    if (method === 'POST' && path.startsWith('/v1/text-to-speech/'))
      return {
        protocol: 'elevenlabs',
        handle: (res, body, _model, faults) =>
          handleElevenLabs(res, typeof body.text === 'string' ? body.text : '', faults),
      };
    if (method === 'POST' && path === '/sdapi/v1/txt2img')
      return {
        protocol: 'sdwebui',
        handle: (res, body, _model, faults) => handleSdTxt2Img(res, body, faults),
      };
    return undefined;
  };

  const modelOf = (protocol: SimProtocol, path: string, body: Record<string, unknown>): string => {
    if (protocol === 'elevenlabs') return decodeURIComponent(path.split('/')[3] ?? '');
    if (protocol === 'sdwebui') return 'sd';
    return typeof body.model === 'string' ? body.model : '';
  };

  const fail = (
    res: ServerResponse,
    protocol: SimProtocol,
    kind: SimErrorKind,
    status: number,
    headers: Record<string, string> = {},
  ): void => sendJson(res, status, errorBody(protocol, kind, status), headers);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (method === 'GET') return handleGet(res, path);
    if (method === 'POST' && path === '/__sim/scenario') {
      plan = new FaultPlan(parseScenario(await readJson(req)));
      return sendJson(res, 200, { ok: true });
    }
    const target = route(method, path);
    if (!target)
      return sendJson(res, 404, {
        error: { message: `No simulated route ${method} ${path}`, type: 'not_found' },
      });
    const body = await readJson(req);
    const model = modelOf(target.protocol, path, body);
    const prefill = prefillOf(body) !== undefined;
    const faults = plan.next({ protocol: target.protocol, model, promptChars: promptChars(body), prefill });
    seq += 1;
    requests.push({ seq, protocol: target.protocol, model, faults: Object.keys(faults), prefill });
    if (faults.reset) {
      req.socket.destroy();
      return;
    }
    if (faults.silent) return; // holds the connection, never answers
    if (faults.latency) await wait(faults.latency.ms);
    if (faults.flapping) return fail(res, target.protocol, 'unavailable', 503);
    if (faults.rate_limit) {
      const s = faults.rate_limit.retryAfterSeconds;
      return fail(
        res,
        target.protocol,
        'rate_limit',
        429,
        s === undefined ? {} : { 'retry-after': String(s) },
      );
    }
    if (faults.server_error) return fail(res, target.protocol, 'server_error', faults.server_error.status);
    if (faults.context_length) return fail(res, target.protocol, 'context_length', 400);
    if (faults.content_policy) return fail(res, target.protocol, 'content_policy', 400);
    if (faults.reject_prefill) return fail(res, target.protocol, 'reject_prefill', 400);
    await target.handle(res, body, model, faults, seq);
  };

  const handleGet = (res: ServerResponse, path: string): void => {
    const names = Object.keys(plan.scenario.models);
    const bodies: Record<string, () => unknown> = {
      '/v1/models': () => ({
        object: 'list',
        data: names.map((id) => ({ id, object: 'model', created: 0, owned_by: 'simulator' })),
      }),
      '/api/tags': () => ({ models: names.map((name) => ({ name, model: name })) }),
      '/v1/voices': () => ({ voices: names.map((voice_id) => ({ voice_id, name: voice_id })) }),
      '/sdapi/v1/progress': () => ({ progress: 0, eta_relative: 0, state: { job_count: 0 } }),
      '/sdapi/v1/sd-models': () => [{ title: 'simulated', model_name: 'simulated' }],
      '/__sim/requests': () => ({ requests }),
    };
    const body = bodies[path];
    if (body) sendJson(res, 200, body());
    else sendJson(res, 404, { error: { message: `No simulated route GET ${path}`, type: 'not_found' } });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    setScenario: (scenario) => {
      plan = new FaultPlan(parseScenario(scenario));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
