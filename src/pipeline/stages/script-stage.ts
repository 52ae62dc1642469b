import { readFile } from 'node:fs/promises';
import type { ChatMessage, LlmProvider, ProviderCallContext, Usage } from '../../domain/provider.js';
import { writeFileAtomic } from '../../providers/media/atomic-file.js';
import { estimateChatUsage } from '../../routing/usage-estimate.js';
import type { PipelineContext } from '../pipeline-context.js';
import { parseScript, type Script, scriptPrompt } from '../script-schema.js';

const STEP = 'script';

/**
 * Script stage: asks the LLM (through the router) for JSON scenes, validates them, and repairs
 * once on invalid output by telling the model what was wrong; a second invalid answer is a
 * quality_failure (retried, then switched, per the recovery strategy).
 */
export async function runScriptStage(ctx: PipelineContext): Promise<Script> {
  const done = await ctx.checkpoints.verified(STEP, ctx.signal);
  if (done) {
    ctx.log('info', 'Script reused from checkpoint', { path: done.artifactPath });
    ctx.served('script', String(done.meta.provider ?? 'checkpoint'));
    return parseScript(await readFile(done.artifactPath, 'utf8'));
  }
  const { request } = ctx;
  const messages = scriptPrompt(request.brief, {
    durationSeconds: Math.round(request.durationMinutes * 60),
    audience: request.options.audience,
    goal: request.options.goal,
    tone: request.options.tone,
    language: request.options.language,
    style: request.style,
    pacing: request.options.pacing,
    density: request.options.density,
  });
  ctx.progress.update('script', 0.05, 'Writing the script', true);
  let tokens = 0;
  const result = await ctx.runner.run<{ script: Script; usage: Usage }, LlmProvider>({
    jobId: ctx.jobId,
    correlationId: ctx.correlationId,
    stage: 'script',
    kind: 'llm',
    policy: ctx.policy,
    signal: ctx.signal,
    estimatedUsage: estimateChatUsage(messages, SCRIPT_OUTPUT_TOKENS),
    ...(request.hedging ? { hedge: { job: request.hedging } } : {}),
    ...(request.providers.llm ? { preferred: request.providers.llm } : {}),
    call: (provider, call) =>
      writeScript(
        provider,
        messages,
        withProgress(call, ctx, (n) => (tokens = n)),
      ),
  });
  ctx.log('info', `Script written by ${result.value.script.scenes.length > 0 ? result.provider.id : '?'}`, {
    scenes: result.value.script.scenes.length,
    tokens,
  });
  await writeFileAtomic(ctx.workspace.scriptPath, `${JSON.stringify(result.value.script, null, 2)}\n`);
  await ctx.checkpoints.complete(STEP, ctx.workspace.scriptPath, { provider: result.provider.id });
  ctx.served('script', result.provider.id);
  return result.value.script;
}

// A script of a dozen scenes is about this many tokens of JSON: the budget check prices it.
const SCRIPT_OUTPUT_TOKENS = 2000;

async function writeScript(
  provider: LlmProvider,
  messages: ChatMessage[],
  call: ProviderCallContext,
): Promise<{ script: Script; usage: Usage }> {
  const first = await provider.chat({ messages, json: true }, call);
  try {
    return { script: parseScript(first.text, { provider: provider.id }), usage: first.usage };
  } catch (error) {
    // One repair round: show the model its answer and what was wrong with it.
    const repair: ChatMessage[] = [
      ...messages,
      { role: 'assistant', content: first.text },
      {
        role: 'user',
        content: `That answer is not valid: ${(error as Error).message}\nReply with only the corrected JSON object.`,
      },
    ];
    const second = await provider.chat({ messages: repair, json: true }, call);
    return {
      script: parseScript(second.text, { provider: provider.id }),
      usage: sumUsage(first.usage, second.usage),
    };
  }
}

function withProgress(
  call: ProviderCallContext,
  ctx: PipelineContext,
  onTokens: (n: number) => void,
): ProviderCallContext {
  return {
    signal: call.signal,
    heartbeat: (beat) => {
      call.heartbeat(beat);
      if (beat.tokens !== undefined) {
        onTokens(beat.tokens);
        // Token counts have no known end: approach 90 % of the stage asymptotically.
        ctx.progress.update(
          'script',
          0.9 * (1 - Math.exp(-beat.tokens / 400)),
          `Writing the script (${beat.tokens} tokens)`,
        );
      }
    },
  };
}

function sumUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: (a.inputTokens ?? 0) + (b.inputTokens ?? 0),
    outputTokens: (a.outputTokens ?? 0) + (b.outputTokens ?? 0),
  };
}
