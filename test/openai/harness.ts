import type { FastifyInstance } from 'fastify';
import type { ModelGroupInput } from '../../src/config/model-groups-schema.js';
import { sequentialIds } from '../../src/domain/ids.js';
import { type FaultSimulator, startFaultSimulator } from '../../src/providers/simulator/fault-simulator.js';
import type { ScenarioInput } from '../../src/providers/simulator/scenario-schema.js';
import { CircuitBreakerRegistry } from '../../src/resilience/circuit-breaker-registry.js';
import { CostTracker } from '../../src/routing/cost-tracker.js';
import { createServer } from '../../src/server/create-server.js';
import type { OpenAiEndpointOptions } from '../../src/server/openai/endpoint-options.js';
import type { ProxyEvent } from '../../src/server/openai/proxy-events.js';
import { MemoryAuditTrail } from '../../src/state/memory/memory-audit-trail.js';
import { FakeReelayService } from '../support/fake-reelay-service.js';

/** A running endpoint over a simulator, with its observable parts. */
export interface Harness {
  sim: FaultSimulator;
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` of Reelay. */
  url: string;
  events: ProxyEvent[];
  audit: MemoryAuditTrail;
  breakers: CircuitBreakerRegistry;
  costs: CostTracker;
  close(): Promise<void>;
}

/** Deployments a, b, c (models sim-a, sim-b, sim-c) on the simulator, as group `chat`. */
export function threeDeployments(
  simUrl: string,
  extra: Partial<ModelGroupInput> = {},
): Record<string, ModelGroupInput> {
  const d = (id: string, more: Record<string, unknown> = {}) => ({
    id,
    provider: 'sim',
    model: `sim-${id}`,
    baseUrl: `${simUrl}/v1`,
    costPer1kInputUsd: 0.001,
    costPer1kOutputUsd: 0.002,
    ...more,
  });
  return {
    chat: {
      deployments: [
        d('a', { contextWindow: 1000 }),
        d('b', { contextWindow: 1000 }),
        d('c', { contextWindow: 100000 }),
      ],
      firstTokenTimeoutMs: 300,
      stallTimeoutMs: 300,
      responseTimeoutMs: 1500,
      ...extra,
    },
  };
}

/** Starts a simulator and a Reelay server whose groups point at it. */
export async function startHarness(
  scenario: ScenarioInput,
  groups: (simUrl: string) => Record<string, ModelGroupInput> = (u) => threeDeployments(u),
  endpoint: Partial<OpenAiEndpointOptions> = {},
  apiKeys: string[] = [],
): Promise<Harness> {
  const sim = await startFaultSimulator({ scenario });
  const events: ProxyEvent[] = [];
  const audit = new MemoryAuditTrail();
  const breakers = new CircuitBreakerRegistry({
    defaults: { failureThreshold: 3, recoveryTimeoutMs: 400, successThreshold: 1, halfOpenMaxCalls: 1 },
  });
  const costs = new CostTracker();
  const app = createServer({
    service: new FakeReelayService(),
    config: { apiKeys },
    ids: sequentialIds(),
    openai: {
      groups: groups(sim.url),
      audit,
      breakers,
      costs,
      onEvent: (e) => events.push(e),
      limits: { backoffMs: 20, maxRetryAfterMs: 500 },
      ...endpoint,
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    sim,
    app,
    url,
    events,
    audit,
    breakers,
    costs,
    close: async () => {
      await app.close();
      await sim.close();
    },
  };
}

/** A chat request body. */
export function chatBody(stream: boolean, model = 'chat', content = 'Say the sentence.'): string {
  return JSON.stringify({ model, stream, messages: [{ role: 'user', content }] });
}

/** POSTs a chat request to the endpoint. */
export function postChat(h: Harness, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** The SSE frames of a streamed answer: data payloads, with `event:` names when present. */
export async function readSse(
  res: Response,
): Promise<{ frames: Array<{ event: string; data: string }>; text: string; raw: string }> {
  const raw = await res.text();
  const frames = raw
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trim());
      }
      return { event, data: data.join('\n') };
    });
  let text = '';
  for (const f of frames) {
    if (f.event !== 'message' || f.data === '[DONE]') continue;
    const obj = JSON.parse(f.data) as { choices?: Array<{ delta?: { content?: string } }> };
    text += obj.choices?.[0]?.delta?.content ?? '';
  }
  return { frames, text, raw };
}

/** The default simulated answer. */
export const REPLY = 'The quick brown fox jumps over the lazy dog.';
