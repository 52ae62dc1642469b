import type { Fault, Scenario, SimProtocol, SimToolCall } from './scenario-schema.js';

/** What the simulator knows about a request when picking its faults. */
export interface SimRequestFacts {
  protocol: SimProtocol;
  model: string;
  /** Characters of prompt text (all messages). */
  promptChars: number;
  /** Whether the last message is an assistant message (a continuation prefill). */
  prefill: boolean;
}

/** The faults that apply to one request, looked up by kind. */
export type ActiveFaults = { [K in Fault['kind']]?: Extract<Fault, { kind: K }> };

/**
 * Picks the faults of each request from a scenario: every rule whose filters match and whose
 * `after`/`times` window covers this request (counted per rule). Conditional kinds
 * (`context_length` over its limit, `reject_prefill` on a prefill, `flapping` in its down phase)
 * only apply when their condition holds.
 */
export class FaultPlan {
  private readonly seen: number[];
  private readonly startedAt: number;

  constructor(
    readonly scenario: Scenario,
    private readonly now: () => number = Date.now,
  ) {
    this.seen = scenario.faults.map(() => 0);
    this.startedAt = now();
  }

  /** Faults for the next request with these facts (advances the per-rule counters). */
  next(facts: SimRequestFacts): ActiveFaults {
    const active: ActiveFaults = {};
    const faults = this.scenario.faults;
    for (let i = 0; i < faults.length; i += 1) {
      const fault = faults[i] as Fault;
      if (fault.model !== undefined && fault.model !== facts.model) continue;
      if (fault.protocol !== undefined && fault.protocol !== facts.protocol) continue;
      if (!this.conditionHolds(fault, facts)) continue;
      const n = this.seen[i] ?? 0;
      this.seen[i] = n + 1;
      const after = fault.after ?? 0;
      if (n < after) continue;
      if (fault.times !== undefined && n >= after + fault.times) continue;
      (active as Record<string, Fault>)[fault.kind] ??= fault;
    }
    return active;
  }

  private conditionHolds(fault: Fault, facts: SimRequestFacts): boolean {
    switch (fault.kind) {
      case 'context_length':
        return fault.maxPromptChars === undefined || facts.promptChars > fault.maxPromptChars;
      case 'reject_prefill':
        return facts.prefill;
      case 'flapping': {
        const period = fault.upMs + fault.downMs;
        return period > 0 && (this.now() - this.startedAt) % period >= fault.upMs;
      }
      default:
        return true;
    }
  }

  /** The answer text of a model. */
  replyOf(model: string): string {
    return this.scenario.models[model]?.reply ?? this.scenario.reply;
  }

  /** The tool call a model answers with when the request offers tools, if it has one. */
  toolCallOf(model: string): SimToolCall | undefined {
    return this.scenario.models[model]?.toolCall;
  }

  /** The delay between stream chunks of a model. */
  chunkDelayOf(model: string): number {
    return this.scenario.models[model]?.chunkDelayMs ?? this.scenario.chunkDelayMs;
  }
}

/** Splits tool-call arguments into stream pieces of 8 characters. */
export function splitArguments(text: string): string[] {
  return text.match(/[\s\S]{1,8}/g) ?? [];
}

/** Splits an answer into stream pieces: one word (with its leading space) each. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? (text.length > 0 ? [text] : []);
}
