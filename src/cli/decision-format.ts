import type { ReelayEventOf } from '../domain/events.js';
import type { StallOption } from '../domain/fallback.js';
import { categoryLabel, formatMs, humanizeDurations } from './format-duration.js';

/** A `decision-required` event. */
export type DecisionEvent = ReelayEventOf<'decision-required'>;

/** One numbered answer offered at the prompt. */
export interface DecisionChoice {
  option: StallOption;
  /** For `try_alternative`: the provider to switch to. */
  provider?: string;
  label: string;
}

/**
 * The numbered answers of a decision, in the order offered: continue 30 s, continue 5 min, one
 * `try_alternative` per ranked alternative (best first, with its score), cancel the job. After an
 * error, "continue" means retrying the same provider.
 */
export function decisionChoices(event: DecisionEvent): DecisionChoice[] {
  const choices: DecisionChoice[] = [];
  const breaker = breakerOpenUntil(event);
  const retry = breaker
    ? ` (${event.provider}'s circuit breaker is open: ${breaker.inMs > 0 ? 'asked again before it lets a call through' : 'retry'})`
    : event.trigger === 'error'
      ? ` (retry ${event.provider})`
      : '';
  for (const option of event.options) {
    if (option === 'continue_30s')
      choices.push({
        option,
        label: `Continue waiting 30 s${breaker && breaker.inMs > 30_000 ? retry : breaker ? '' : retry}`,
      });
    else if (option === 'continue_5m')
      choices.push({
        option,
        label: `Continue waiting 5 min${breaker && breaker.inMs > 300_000 ? retry : breaker ? '' : retry}`,
      });
    else if (option === 'cancel_job') choices.push({ option, label: 'Cancel the job' });
    else
      for (const alt of event.alternatives)
        choices.push({
          option,
          provider: alt.provider,
          label: `Try ${alt.provider} instead (${alternativeWhy(alt)})`,
        });
  }
  return choices;
}

const COMPONENT = /^(\w+) ([\d.]+)\/([\d.]+): (.*)$/;

/**
 * Why an alternative is offered: its score out of 100 and the two score components that weigh
 * most (as `name value/max (detail)`), from the ranking's reasons.
 */
export function alternativeWhy(alt: { score: number; reasons: readonly string[] }): string {
  const parts = alt.reasons
    .map((r) => COMPONENT.exec(r))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1], value: Number(m[2]), max: Number(m[3]), detail: m[4] }))
    .sort((a, b) => b.value / b.max - a.value / a.max || b.max - a.max)
    .slice(0, 2)
    .map((c) => `${c.name} ${c.value.toFixed(0)}/${c.max}${c.detail ? ` ${c.detail}` : ''}`);
  const other = parts.length === 0 && alt.reasons[0] ? [alt.reasons[0]] : [];
  return [`score ${alt.score.toFixed(0)}/100`, ...parts, ...other].join('; ');
}

/**
 * When the failure is an open circuit breaker, when it lets a call through again (read from the
 * error: code `REELAY_ERR_CIRCUIT_OPEN`, "(at <ISO time>)"); null otherwise.
 */
export function breakerOpenUntil(event: DecisionEvent): { at: string; inMs: number } | null {
  if (event.error?.code !== 'REELAY_ERR_CIRCUIT_OPEN') return null;
  const at = /\(at (\d{4}-\d\d-\d\dT[\d:.]+Z)\)/.exec(event.error.message)?.[1];
  if (!at) return { at: '', inMs: Number.POSITIVE_INFINITY };
  return { at, inMs: Math.max(0, Date.parse(at) - Date.parse(event.timestamp)) };
}

/** The block printed when a decision is required: what happened, where, since when, and the choices. */
export function formatDecision(event: DecisionEvent, choices: DecisionChoice[], elapsedMs?: number): string {
  const what =
    event.trigger === 'stall'
      ? `${event.provider} stopped making progress on the ${event.stage} stage`
      : `${event.provider} failed on the ${event.stage} stage${event.error ? ` (${event.error.code === 'REELAY_ERR_CIRCUIT_OPEN' ? 'circuit breaker open' : categoryLabel(event.error.category ?? event.error.code)}): ${humanizeDurations(event.error.message)}` : ''}`;
  const lines = [`⚠ Decision needed — ${what}`];
  if (elapsedMs !== undefined) lines.push(`  elapsed on this stage: ${formatMs(elapsedMs)}`);
  const breaker = breakerOpenUntil(event);
  if (breaker)
    lines.push(
      Number.isFinite(breaker.inMs)
        ? `  ${event.provider}'s circuit breaker lets a call through at ${breaker.at.slice(11, 19)} UTC (in ${formatMs(breaker.inMs)}); waiting less than that brings this question back at once.`
        : `  ${event.provider}'s circuit breaker stays open until an operator closes it: continuing will not help.`,
    );
  if (event.options.includes('try_alternative') && event.alternatives.length === 0)
    lines.push('  (no healthy alternative provider is available)');
  choices.forEach((c, i) => {
    lines.push(`  ${i + 1}) ${c.label}`);
  });
  return `${lines.join('\n')}\n`;
}

const ALIASES: Readonly<Record<string, StallOption>> = {
  '30s': 'continue_30s',
  continue: 'continue_30s',
  '5m': 'continue_5m',
  cancel: 'cancel_job',
};

/**
 * Reads an answer typed at the prompt: a choice number, an option name (`continue_5m`, `30s`,
 * `cancel`), or an alternative's provider id. Null when it matches nothing.
 */
export function parseChoice(input: string, choices: DecisionChoice[]): DecisionChoice | null {
  const text = input.trim().toLowerCase();
  if (text === '') return null;
  if (/^\d+$/.test(text)) return choices[Number(text) - 1] ?? null;
  const byProvider = choices.find((c) => c.provider?.toLowerCase() === text);
  if (byProvider) return byProvider;
  const option = ALIASES[text] ?? text;
  const byOption = choices.filter((c) => c.option === option);
  return byOption.length === 1 ? (byOption[0] ?? null) : null;
}

/** The exact command that answers a decision from another terminal. */
export function decideCommand(jobId: string, choice: DecisionChoice, server?: string): string {
  const provider = choice.provider ? ` ${choice.provider}` : '';
  return `reelay decide ${jobId} ${choice.option}${provider}${server ? ` --server ${server}` : ''}`;
}
