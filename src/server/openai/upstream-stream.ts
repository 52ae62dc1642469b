import { StringDecoder } from 'node:string_decoder';
import type { Clock, TimerHandle } from '../../domain/clock.js';
import { SseParser } from '../../providers/http/sse-parser.js';
import type { UpstreamBody } from './upstream-call.js';
import { type ChatUsage, usageFrom } from './usage-counter.js';

/** One parsed `chat.completion.chunk`. */
export interface ParsedChunk {
  obj: Record<string, unknown>;
  /** The first choice's content delta ('' when none). */
  content: string;
  /** The first choice's finish reason, when it has one. */
  finish: string | undefined;
  /** The chunk's usage, when it reports one. */
  usage: ChatUsage | undefined;
  /** Whether the chunk carries tool-call deltas (not recoverable by text continuation). */
  toolCalls: boolean;
}

/** Receives an upstream stream's events. */
export interface StreamHandler {
  chunk(chunk: ParsedChunk): void;
  /** `data: [DONE]` arrived. */
  done(): void;
  /** The stream was cut, stalled or ended without `[DONE]`. */
  broken(reason: 'cut' | 'stalled' | 'ended'): void;
  /** A chunk that is not JSON was skipped. */
  malformed(): void;
}

function parseChunk(data: string): ParsedChunk | undefined {
  let obj: unknown;
  try {
    obj = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  const choices = o.choices;
  const first = Array.isArray(choices) ? (choices[0] as Record<string, unknown> | undefined) : undefined;
  const delta = first?.delta as Record<string, unknown> | undefined;
  const content = typeof delta?.content === 'string' ? delta.content : '';
  const finish = typeof first?.finish_reason === 'string' ? first.finish_reason : undefined;
  return { obj: o, content, finish, usage: usageFrom(o.usage), toolCalls: Array.isArray(delta?.tool_calls) };
}

/**
 * An upstream SSE stream of chat-completion chunks: parses frames, skips malformed ones, and
 * reports a cut, a stall (no data for the stall window) or an end without `[DONE]` once.
 */
export class UpstreamStream {
  private readonly parser = new SseParser();
  private handler: StreamHandler | undefined;
  private stallTimer: TimerHandle | undefined;
  private stallMs = 0;
  private finished = false;
  private reading = false;
  private onFinished: (() => void) | undefined;

  constructor(
    private readonly res: UpstreamBody,
    private readonly clock: Clock,
  ) {}

  /** Directs events to `handler` (replacing the previous one); the first call starts reading. */
  attach(handler: StreamHandler): void {
    this.handler = handler;
    if (this.reading) return;
    this.reading = true;
    const decoder = new StringDecoder('utf8');
    this.res.consume({
      data: (bytes) => this.onData(decoder.write(bytes)),
      end: () => this.fail('ended'),
      cut: () => this.fail('cut'),
    });
  }

  /** Reports `stalled` when no data arrives for `ms` (re-armed by every frame). */
  watchStall(ms: number): void {
    this.stallMs = ms;
    this.armStall();
  }

  /** Stops reading and drops the connection. */
  close(): void {
    this.finished = true;
    this.disarm();
    this.res.destroy();
    this.finish();
  }

  /** Calls `fn` once when the stream ends, breaks or is closed (at once if it already has). */
  whenFinished(fn: () => void): void {
    this.onFinished = fn;
    if (this.finished) this.finish();
  }

  private finish(): void {
    const fn = this.onFinished;
    this.onFinished = undefined;
    fn?.();
  }

  private onData(text: string): void {
    if (this.finished) return;
    if (this.stallMs > 0) this.armStall();
    for (const event of this.parser.push(text)) {
      if (this.finished) return;
      if (event.data === '[DONE]') {
        this.finished = true;
        this.disarm();
        this.finish();
        this.handler?.done();
        return;
      }
      const chunk = parseChunk(event.data);
      if (chunk) this.handler?.chunk(chunk);
      else this.handler?.malformed();
    }
  }

  private armStall(): void {
    if (this.stallTimer !== undefined) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = this.clock.setTimeout(() => this.fail('stalled'), this.stallMs);
  }

  private disarm(): void {
    if (this.stallTimer !== undefined) this.clock.clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  private fail(reason: 'cut' | 'stalled' | 'ended'): void {
    if (this.finished) return;
    this.finished = true;
    this.disarm();
    if (reason === 'stalled') this.res.destroy();
    this.finish();
    this.handler?.broken(reason);
  }
}

type Recorded =
  | { t: 'chunk'; c: ParsedChunk }
  | { t: 'done' }
  | { t: 'broken'; reason: 'cut' | 'stalled' | 'ended' };

/**
 * Records a stream's events until a handler takes over, then replays them to it in order — so
 * that nothing arriving in the same network packet as the first content is lost.
 */
export class StreamRecorder {
  private readonly events: Recorded[] = [];

  constructor(private readonly stream: UpstreamStream) {}

  /** Appends an event. */
  push(event: Recorded): void {
    this.events.push(event);
  }

  /** Replays what was recorded to `handler`, then attaches it to the stream. */
  handOver(handler: StreamHandler): void {
    this.stream.attach(handler);
    for (const e of this.events.splice(0)) {
      if (e.t === 'chunk') handler.chunk(e.c);
      else if (e.t === 'done') handler.done();
      else handler.broken(e.reason);
    }
  }
}

/** The outcome of {@link awaitFirstContent}. */
export type FirstContent =
  | { ok: true; recorder: StreamRecorder }
  | { ok: false; reason: 'slow_first_token' | 'cut' | 'stalled' | 'ended' };

/**
 * Records a fresh stream's chunks until the first content (or tool call, or finish), within the
 * time-to-first-token limit; the stream is closed on failure. On success the recorder holds every
 * event so far (and keeps recording) for the relay to take over.
 */
export function awaitFirstContent(
  stream: UpstreamStream,
  clock: Clock,
  limitMs: number,
  onMalformed: () => void,
): Promise<FirstContent> {
  return new Promise((resolve) => {
    const recorder = new StreamRecorder(stream);
    let chunks = 0;
    let settled = false;
    const settle = (outcome: FirstContent): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      if (!outcome.ok) stream.close();
      resolve(outcome);
    };
    const timer = clock.setTimeout(() => settle({ ok: false, reason: 'slow_first_token' }), limitMs);
    stream.attach({
      chunk: (c) => {
        chunks += 1;
        recorder.push({ t: 'chunk', c });
        if (c.content.length > 0 || c.toolCalls || c.finish !== undefined) settle({ ok: true, recorder });
      },
      done: () => {
        recorder.push({ t: 'done' });
        settle(chunks > 0 ? { ok: true, recorder } : { ok: false, reason: 'ended' });
      },
      broken: (reason) => {
        recorder.push({ t: 'broken', reason });
        settle({ ok: false, reason });
      },
      malformed: onMalformed,
    });
  });
}
