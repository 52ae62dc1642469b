import type { ScriptDensity, ScriptPacing } from './template-writer-sizing.js';

/**
 * Everything a script writer needs to know about a video: the brief and its options. The script
 * prompt embeds it as a fenced `reelay-brief` JSON block so that rule-based writers (the
 * template writer) can read it back exactly, while language models read the prose around it.
 */
export interface ScriptBrief {
  /** The user's brief. */
  brief: string;
  /** Target length in seconds. @default 60 */
  durationSeconds: number;
  /** @default 'general audience' */
  audience: string;
  /** @default 'inform and engage' */
  goal: string;
  /** @default 'professional' */
  tone: string;
  /** @default 'English' */
  language: string;
  /** @default 'informative' */
  style: string;
  /** @default 'conversational' */
  pacing: ScriptPacing;
  /** @default 'balanced' */
  density: ScriptDensity;
}

/** The info string of the fenced block that carries a {@link ScriptBrief}. */
export const BRIEF_BLOCK_TAG = 'reelay-brief';

/** Defaults of every {@link ScriptBrief} option (docs/api-vocabulary.md#request-defaults). */
export const SCRIPT_BRIEF_DEFAULTS: Readonly<Omit<ScriptBrief, 'brief'>> = {
  durationSeconds: 60,
  audience: 'general audience',
  goal: 'inform and engage',
  tone: 'professional',
  language: 'English',
  style: 'informative',
  pacing: 'conversational',
  density: 'balanced',
};

const PACINGS: readonly string[] = ['chill', 'slow', 'conversational', 'fast'];
const DENSITIES: readonly string[] = ['sparse', 'balanced', 'dense'];

/** Fills in the defaults of a partial brief; unknown or malformed values fall back to defaults. */
export function resolveScriptBrief(
  brief: string,
  options: Partial<Omit<ScriptBrief, 'brief'>> = {},
): ScriptBrief {
  const d = SCRIPT_BRIEF_DEFAULTS;
  const text = (value: unknown, fallback: string): string =>
    typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
  const duration = options.durationSeconds;
  return {
    brief: brief.trim(),
    durationSeconds:
      typeof duration === 'number' && Number.isFinite(duration) && duration > 0
        ? duration
        : d.durationSeconds,
    audience: text(options.audience, d.audience),
    goal: text(options.goal, d.goal),
    tone: text(options.tone, d.tone),
    language: text(options.language, d.language),
    style: text(options.style, d.style),
    pacing: PACINGS.includes(options.pacing ?? '') ? (options.pacing as ScriptPacing) : d.pacing,
    density: DENSITIES.includes(options.density ?? '') ? (options.density as ScriptDensity) : d.density,
  };
}

/** Renders a brief as the fenced, machine-readable block embedded in script prompts. */
export function formatBriefBlock(brief: ScriptBrief): string {
  return '```' + BRIEF_BLOCK_TAG + '\n' + JSON.stringify(brief, null, 2) + '\n```';
}

const BLOCK = new RegExp('```' + BRIEF_BLOCK_TAG + '[ \\t]*\\r?\\n([\\s\\S]*?)\\r?\\n?```');

/**
 * Reads the `reelay-brief` block back from a message; `undefined` when the message has none or
 * it is not a JSON object with a non-empty `brief` string. Missing options get their defaults.
 */
export function readBriefBlock(message: string): ScriptBrief | undefined {
  const match = BLOCK.exec(message);
  if (!match?.[1]) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(match[1]);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<ScriptBrief>;
  if (typeof record.brief !== 'string' || record.brief.trim() === '') return undefined;
  return resolveScriptBrief(record.brief, record);
}
