import type { ServerResponse } from 'node:http';
import type { TimerHandle } from '../../domain/clock.js';
import type { FallbackPolicy } from '../../domain/fallback.js';
import { countMalformed, type ExchangeContext } from './attempt-runner.js';
import type { Deployment } from './deployment-catalog.js';
import { type Acquired, acquireDeployment } from './failover-loop.js';
import { ToolCallPrefix } from './tool-call-prefix.js';
import type { ParsedChunk, StreamHandler, UpstreamStream } from './upstream-stream.js';
import { type ChatUsage, countUsage } from './usage-counter.js';

/** How a relayed stream ended. */
export interface RelayOutcome {
  deployment: Deployment;
  /** True when the client got a complete answer (finish + `[DONE]`). */
  complete: boolean;
  usage: ChatUsage | undefined;
}

/** Options of {@link relayStream}. */
export interface RelayOptions {
  chain: readonly Deployment[];
  policy: FallbackPolicy;
  /** False with `x-reelay-stream-recovery: off`. */
  recovery: boolean;
  /** Response headers (sent with the first byte). */
  headers: Record<string, string | number | string[]>;
  /** Called when recovery moved the stream to another deployment. */
  onSwitch(to: Deployment): void;
}

const MAX_RECOVERIES = 3;

/**
 * Relays an acquired upstream stream to the client, rewriting each chunk's `id`, `created` and
 * `model` (the deployment). A cut or stalled stream is recovered on the next deployment — as a
 * continuation with the delivered text as an assistant prefill, or, when a deployment rejects the
 * prefill, as a restart whose answer must begin with the delivered text (that prefix is dropped).
 * A cut tool call is restarted without prefill: the restart must repeat the delivered tool calls
 * exactly (same name, arguments beginning with what the client has), whose prefix is dropped.
 * A divergent restart, a failed recovery or recovery `off` end the stream with an `error` event:
 * never a `[DONE]` or `finish_reason` on a truncated answer. A missing `[DONE]` after a finish is
 * finalised at once (after a short grace for the usage chunk).
 */
export function relayStream(
  ctx: ExchangeContext,
  out: ServerResponse,
  first: Acquired,
  options: RelayOptions,
): Promise<RelayOutcome> {
  return new Promise((resolve) => {
    const { proxy, limits } = ctx;
    const clock = proxy.clock;
    const id = `chatcmpl-${ctx.correlationId.replace(/[^A-Za-z0-9]/g, '').slice(-24)}`;
    const created = Math.floor(clock.now() / 1000);
    const excluded = new Set<Deployment>();
    let deployment = first.deployment;
    let stream: UpstreamStream = (first.result as { stream: UpstreamStream }).stream;
    let delivered = '';
    let pending = '';
    let dropPrefix = false;
    let finished = false;
    // Tool calls the client has: a restart must repeat them exactly (see ToolCallPrefix).
    const tools = new ToolCallPrefix();
    let recovered = false;
    let recoveries = 0;
    let ended = false;
    let upstreamUsage: ChatUsage | undefined;
    let grace: TimerHandle | undefined;

    const write = (text: string): void => {
      if (!out.destroyed && !out.writableEnded) out.write(text);
    };
    const end = (complete: boolean, usage: ChatUsage | undefined): void => {
      if (ended) return;
      ended = true;
      if (grace !== undefined) clock.clearTimeout(grace);
      stream.close();
      if (!out.destroyed) out.end();
      resolve({ deployment, complete, usage });
    };
    const forward = (c: ParsedChunk, content: string | undefined): void => {
      const obj = c.obj;
      obj.id = id;
      obj.created = created;
      obj.model = deployment.id;
      if (content !== undefined) {
        const choice = (obj.choices as Array<{ delta?: { content?: string } }>)[0];
        if (choice?.delta) choice.delta.content = content;
      }
      write(`data: ${JSON.stringify(obj)}\n\n`);
    };
    let finalizing = false;
    const finalize = (): void => {
      if (ended || finalizing) return;
      finalizing = true;
      const known = recovered ? undefined : upstreamUsage;
      const done = (usage: ChatUsage): void => {
        proxy.charge(deployment, usage, ctx.auditKey);
        write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: deployment.id, choices: [], usage })}\n\n`,
        );
        write('data: [DONE]\n\n');
        end(true, usage);
      };
      if (known) done(known);
      else countUsage(ctx.body.messages, delivered).then(done, () => end(true, undefined));
    };
    const failStream = (reason: string): void => {
      if (ended) return;
      proxy.emit({
        type: 'proxy-stream-error',
        correlationId: ctx.correlationId,
        deployment: deployment.id,
        reason,
      });
      const error = {
        message: `The answer from ${deployment.id} was interrupted (${reason}) and could not be completed; the text received so far is incomplete. Correlation id ${ctx.correlationId}.`,
        type: 'stream_error',
        code: reason === 'diverged' ? 'reelay_stream_diverged' : 'reelay_stream_interrupted',
        param: null,
      };
      write(`event: error\ndata: ${JSON.stringify({ error })}\n\n`);
      end(false, undefined);
    };
    const onContent = (c: ParsedChunk): void => {
      if (!dropPrefix) {
        delivered += c.content;
        forward(c, undefined);
        return;
      }
      pending += c.content;
      if (pending.length <= delivered.length) {
        if (!delivered.startsWith(pending) || (c.finish !== undefined && pending !== delivered))
          failStream('diverged');
        else if (c.finish !== undefined) {
          dropPrefix = false;
          forward(c, '');
        }
        return;
      }
      if (!pending.startsWith(delivered)) {
        failStream('diverged');
        return;
      }
      const rest = pending.slice(delivered.length);
      dropPrefix = false;
      delivered += rest;
      forward(c, rest);
    };
    const handler: StreamHandler = {
      chunk: (c) => {
        if (ended) return;
        if (c.usage) upstreamUsage = c.usage;
        if (finished) {
          if (c.usage) finalize();
          return;
        }
        if (
          tools.replaying &&
          (c.toolCalls || c.finish !== undefined || (c.content.length > 0 && !dropPrefix))
        ) {
          const verdict = c.content.length > 0 && !dropPrefix ? 'diverged' : tools.filter(c.obj, c.finish);
          if (verdict === 'diverged') return failStream('diverged');
          if (verdict === 'drop') return;
        }
        if (c.content.length > 0 || (dropPrefix && c.finish !== undefined)) onContent(c);
        else if (Array.isArray(c.obj.choices) && c.obj.choices.length > 0) forward(c, undefined);
        if (ended) return;
        if (c.toolCalls) tools.record(c.obj);
        if (c.finish !== undefined) {
          finished = true;
          grace = clock.setTimeout(finalize, limits.finishGraceMs);
        }
      },
      done: () => (finished ? finalize() : recover('ended without a finish')),
      broken: (reason) => (finished ? finalize() : recover(reason)),
      malformed: () => countMalformed(ctx, deployment),
    };
    const take = (a: Acquired): void => {
      stream = (a.result as { stream: UpstreamStream }).stream;
      (a.result as { recorder: { handOver(h: StreamHandler): void } }).recorder.handOver(handler);
      if (!ended) stream.watchStall(limits.stallTimeoutMs);
    };
    const recover = (reason: string): void => {
      if (ended) return;
      proxy.breakers.get(deployment.id).recordOutcome({
        ok: false,
        durationMs: 0,
        category: reason === 'stalled' ? 'timeout' : 'network_error',
      });
      if (!options.recovery || recoveries >= MAX_RECOVERIES) {
        failStream(reason);
        return;
      }
      recoveries += 1;
      excluded.add(deployment);
      const others = options.policy === 'auto' ? options.chain.filter((d) => !excluded.has(d)) : [];
      const candidates = others.length > 0 ? others : [deployment];
      void (async () => {
        for (const d of candidates) {
          // A tool call cannot be continued by a prefill: it is restarted and must repeat itself.
          const prefill = d.supportsPrefill && delivered.length > 0 && !tools.any ? delivered : undefined;
          let got = await acquireDeployment(ctx, { chain: [d], policy: 'off', prefill, midStream: true });
          let restart = prefill === undefined;
          if (!got.ok && got.kind === 'return' && got.verdict.action === 'prefill_rejected') {
            got = await acquireDeployment(ctx, { chain: [d], policy: 'off', midStream: true });
            restart = true;
          }
          if (ended) return;
          if (!got.ok || got.result.kind !== 'stream') continue;
          if (d !== deployment) {
            const why = reason === 'stalled' ? 'AUTO_AFTER_STALL' : 'AUTO_AFTER_ERROR';
            await proxy.recordAutomatic(why, {
              auditKey: ctx.auditKey,
              from: deployment.id,
              to: d.id,
              correlationId: ctx.correlationId,
              elapsedMs: 0,
              category: reason === 'stalled' ? 'timeout' : 'network_error',
              context: `stream ${reason} after ${delivered.length} characters; recovered on ${d.id} by ${restart ? 'restart' : 'continuation'}`,
            });
            proxy.emit({
              type: 'proxy-fallback',
              correlationId: ctx.correlationId,
              group: ctx.group,
              from: deployment.id,
              to: d.id,
              reason: why,
            });
            options.onSwitch(d);
          }
          proxy.emit({
            type: 'proxy-stream-recovered',
            correlationId: ctx.correlationId,
            deployment: d.id,
            mode: restart ? 'restart' : 'prefill',
          });
          deployment = d;
          recovered = true;
          dropPrefix = restart && delivered.length > 0;
          pending = '';
          tools.restart();
          take(got);
          return;
        }
        failStream(`${reason}; recovery failed`);
      })();
    };

    out.on('close', () => {
      if (!ended) {
        ended = true;
        stream.close();
        resolve({ deployment, complete: false, usage: undefined });
      }
    });
    out.writeHead(200, options.headers);
    take(first);
  });
}
