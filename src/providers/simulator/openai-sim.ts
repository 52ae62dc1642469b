import type { ServerResponse } from 'node:http';
import type { ActiveFaults } from './fault-plan.js';
import { splitArguments, splitWords } from './fault-plan.js';
import type { SimToolCall } from './scenario-schema.js';
import {
  cutAfterFlush,
  prefillOf,
  promptChars,
  sendJson,
  streamFaultsBefore,
  wait,
  write,
} from './sim-http.js';

/** What one simulated OpenAI chat request needs. */
export interface OpenAiSimRequest {
  body: Record<string, unknown>;
  model: string;
  reply: string;
  chunkDelayMs: number;
  /** Answer with this tool call instead of text (the request offered tools). */
  toolCall?: SimToolCall | undefined;
  faults: ActiveFaults;
  /** Sequence number of this request (makes ids unique). */
  seq: number;
}

/** Tokens of a simulated prompt/answer: about four characters per token. */
function tokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** The answer after an assistant prefill: the rest of `reply` when it continues the prefill. */
export function continuationOf(reply: string, prefill: string | undefined): string {
  if (prefill === undefined || prefill.length === 0) return reply;
  return reply.startsWith(prefill) ? reply.slice(prefill.length) : reply;
}

function usageOf(body: Record<string, unknown>, answer: string): Record<string, number> {
  const prompt = tokens(promptChars(body));
  const completion = splitWords(answer).length;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Answers `POST /v1/chat/completions` (streaming or not) under the request's faults. */
export async function handleOpenAiChat(res: ServerResponse, req: OpenAiSimRequest): Promise<void> {
  const { body, model, faults } = req;
  const answer = continuationOf(req.reply, prefillOf(body));
  const id = `chatcmpl-sim${req.seq}`;
  const created = Math.floor(Date.now() / 1000);
  const tool = req.toolCall;
  const callId = `call_sim${req.seq}`;
  const finishReason = tool ? 'tool_calls' : 'stop';
  const completion = tool ? tool.arguments : answer;
  if (body.stream !== true) {
    if (faults.slow_first_token) await wait(faults.slow_first_token.ms);
    if (faults.stall) return; // never answers
    const message = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: tool
            ? {
                role: 'assistant',
                content: null,
                tool_calls: [
                  { id: callId, type: 'function', function: { name: tool.name, arguments: tool.arguments } },
                ],
              }
            : { role: 'assistant', content: answer },
          finish_reason: finishReason,
          logprobs: null,
        },
      ],
      ...(faults.omit_usage ? {} : { usage: usageOf(body, completion) }),
    };
    if (faults.cut) {
      const text = JSON.stringify(message);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      await cutAfterFlush(res);
      return;
    }
    sendJson(res, 200, message);
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  const frame = (delta: Record<string, unknown>, finish: string | null): string =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
  write(res, frame({ role: 'assistant', content: tool ? null : '' }, null));
  if (faults.slow_first_token) await wait(faults.slow_first_token.ms);
  // Text: one word per chunk. A tool call: its id and name first, then its arguments in pieces
  // (cut/stall/malformed `afterChunks` count those pieces, so a fault lands mid-arguments).
  if (tool)
    write(
      res,
      frame(
        {
          tool_calls: [
            { index: 0, id: callId, type: 'function', function: { name: tool.name, arguments: '' } },
          ],
        },
        null,
      ),
    );
  const pieces = tool ? splitArguments(tool.arguments) : splitWords(answer);
  const delta = (piece: string): Record<string, unknown> =>
    tool ? { tool_calls: [{ index: 0, function: { arguments: piece } }] } : { content: piece };
  const words = pieces;
  for (let i = 0; i < words.length; i += 1) {
    if (!(await streamFaultsBefore(res, faults, i))) return;
    if (faults.malformed && i === faults.malformed.atChunk) write(res, 'data: {"id":"broken",\n\n');
    if (i > 0 && req.chunkDelayMs > 0) await wait(req.chunkDelayMs);
    if (!write(res, frame(delta(words[i] ?? ''), null))) return;
  }
  write(res, frame({}, finishReason));
  const options = body.stream_options as { include_usage?: unknown } | undefined;
  if (options?.include_usage === true && !faults.omit_usage) {
    write(
      res,
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(body, completion) })}\n\n`,
    );
  }
  if (faults.missing_done) return; // keeps the connection open without [DONE]
  write(res, 'data: [DONE]\n\n');
  res.end();
}
