import type { ServerResponse } from 'node:http';
import type { ActiveFaults } from './fault-plan.js';
import { splitWords } from './fault-plan.js';
import { sendJson, streamFaultsBefore, wait, write } from './sim-http.js';

/** A 1×1 transparent PNG, the image every simulated Stable Diffusion request returns. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** Answers Ollama `POST /api/chat` and `/api/generate` (NDJSON stream unless `stream: false`). */
export async function handleOllama(
  res: ServerResponse,
  body: Record<string, unknown>,
  model: string,
  reply: string,
  chunkDelayMs: number,
  faults: ActiveFaults,
  isChat: boolean,
): Promise<void> {
  const at = new Date().toISOString();
  const piece = (text: string, done: boolean): Record<string, unknown> =>
    isChat
      ? { model, created_at: at, message: { role: 'assistant', content: text }, done }
      : { model, created_at: at, response: text, done };
  const final = {
    done_reason: 'stop',
    prompt_eval_count: 10,
    eval_count: splitWords(reply).length,
    total_duration: 1,
  };
  if (faults.slow_first_token) await wait(faults.slow_first_token.ms);
  if (body.stream === false) {
    if (faults.stall) return;
    sendJson(res, 200, { ...piece(reply, true), ...final });
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const words = splitWords(reply);
  for (let i = 0; i < words.length; i += 1) {
    if (!(await streamFaultsBefore(res, faults, i))) return;
    if (faults.malformed && i === faults.malformed.atChunk) write(res, '{"model":\n');
    if (i > 0 && chunkDelayMs > 0) await wait(chunkDelayMs);
    if (!write(res, `${JSON.stringify(piece(words[i] ?? '', false))}\n`)) return;
  }
  if (faults.missing_done) return;
  write(res, `${JSON.stringify({ ...piece('', true), ...final })}\n`);
  res.end();
}

/** Answers ElevenLabs `POST /v1/text-to-speech/{voice}`: MP3-typed bytes, chunked. */
export async function handleElevenLabs(
  res: ServerResponse,
  text: string,
  faults: ActiveFaults,
): Promise<void> {
  if (faults.slow_first_token) await wait(faults.slow_first_token.ms);
  res.writeHead(200, { 'content-type': 'audio/mpeg', 'x-character-count': String(text.length) });
  const chunks = Math.max(1, Math.ceil(text.length / 20));
  for (let i = 0; i < chunks; i += 1) {
    if (!(await streamFaultsBefore(res, faults, i))) return;
    // An MPEG frame header followed by silence: enough for clients that sniff the type.
    if (res.destroyed) return;
    res.write(Buffer.concat([Buffer.from([0xff, 0xfb, 0x90, 0x64]), Buffer.alloc(412)]));
  }
  res.end();
}

/** Answers Stable Diffusion WebUI `POST /sdapi/v1/txt2img` with one tiny PNG per image. */
export async function handleSdTxt2Img(
  res: ServerResponse,
  body: Record<string, unknown>,
  faults: ActiveFaults,
): Promise<void> {
  if (faults.slow_first_token) await wait(faults.slow_first_token.ms);
  if (faults.stall) return;
  const n = typeof body.batch_size === 'number' && body.batch_size > 0 ? Math.min(8, body.batch_size) : 1;
  sendJson(res, 200, {
    images: Array.from({ length: n }, () => PNG_1X1),
    parameters: body,
    info: '{"simulated":true}',
  });
}
