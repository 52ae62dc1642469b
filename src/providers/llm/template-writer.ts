import { type Clock, systemClock } from '../../domain/clock.js';
import { ReelayError } from '../../domain/errors.js';
import type {
  ChatRequest,
  ChatResult,
  CostModel,
  HealthReport,
  LlmProvider,
  ProviderCallContext,
  ProviderCapabilities,
} from '../../domain/provider.js';
import { readBriefBlock, resolveScriptBrief } from './template-writer-brief.js';
import { composeScript } from './template-writer-compose.js';

/** Options of {@link TemplateWriter}. */
export interface TemplateWriterOptions {
  /** Clock for health-check latency. @default systemClock */
  clock?: Clock;
}

/** Model name reported in chat results. */
export const TEMPLATE_MODEL = 'template-v1';

/** Rough tokens of a text (4 characters per token), for usage and heartbeats. */
function tokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The offline script writer: deterministic and brief-aware, no model and no network. It reads
 * the brief and options from the `reelay-brief` block that `scriptPrompt` embeds in the last user
 * message (without one, the whole message is the brief, with default options) and answers with
 * the JSON text of a script: a hook built from the topic (instruction words and audience removed),
 * body scenes that narrate the brief's own statements (second person, contractions for casual
 * tones), each titled after its key noun phrase, and a closing that says the brief's closing
 * request (`Finish by …`, `End with …`) or the goal's call to action. Sized to the duration
 * (words per minute by pacing, scene count by density). Pushes a token-count heartbeat per scene.
 *
 * @example
 * const writer = new TemplateWriter();
 * const { text } = await writer.chat({ messages: scriptPrompt(brief, { durationSeconds: 60 }) }, ctx);
 * const script = parseScript(text);
 */
export class TemplateWriter implements LlmProvider {
  readonly id = 'template';
  readonly displayName = 'RuleBased';
  readonly kind = 'llm' as const;
  readonly profileType = 'fallback_provider' as const;
  readonly capabilities: ProviderCapabilities = {
    heartbeat: 'token_count',
    offline: true,
    features: ['json'],
    // Its connecting sentences are English; the brief's own sentences are kept as written.
    languages: ['english', 'en'],
  };
  readonly priority = 5;
  readonly costModel: CostModel = { unit: 'free', usdPerUnit: 0 };
  private readonly clock: Clock;

  constructor(options: TemplateWriterOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /** Always healthy: it runs in-process; the check still proves it can write a tiny script. */
  async healthCheck(signal: AbortSignal): Promise<HealthReport> {
    const started = this.clock.now();
    signal.throwIfAborted();
    const script = composeScript(
      resolveScriptBrief('Health check of the template writer.', { durationSeconds: 10 }),
    );
    return {
      healthy: script.scenes.length > 0,
      latencyMs: this.clock.now() - started,
      message: 'template writer ready (offline, deterministic)',
    };
  }

  /** Writes a script as JSON text for the brief in the last user message. */
  async chat(request: ChatRequest, ctx: ProviderCallContext): Promise<ChatResult> {
    const { signal, heartbeat } = ctx;
    signal.throwIfAborted();
    const user = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const brief = readBriefBlock(user) ?? (user.trim() === '' ? undefined : resolveScriptBrief(user));
    if (!brief) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        'The template writer (RuleBased) received no brief: send a user message with the brief, ideally built with scriptPrompt().',
        { provider: this.id, stage: 'script', category: 'quality_failure', retryable: false },
      );
    }
    const script = composeScript(brief);
    heartbeat({ tokens: 0, message: `writing ${script.scenes.length} scenes` });
    let tokens = tokensOf(script.title);
    for (const [i, scene] of script.scenes.entries()) {
      signal.throwIfAborted();
      tokens += tokensOf(scene.title) + tokensOf(scene.narration) + tokensOf(scene.visual);
      heartbeat({ tokens, message: `wrote scene ${i + 1} of ${script.scenes.length}` });
    }
    signal.throwIfAborted();
    const text = JSON.stringify(script, null, 2);
    return {
      text,
      model: TEMPLATE_MODEL,
      usage: {
        inputTokens: request.messages.reduce((n, m) => n + tokensOf(m.content), 0),
        outputTokens: tokensOf(text),
        requests: 1,
      },
      finishReason: 'stop',
    };
  }
}
