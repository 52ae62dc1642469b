import { z } from 'zod';
import { ReelayError } from '../domain/errors.js';
import type { ChatMessage } from '../domain/provider.js';
import {
  formatBriefBlock,
  resolveScriptBrief,
  type ScriptBrief,
} from '../providers/llm/template-writer-brief.js';
import { scriptSizing } from '../providers/llm/template-writer-sizing.js';

/** Bounds of a script, shared by the schema, the prompt and the writers. */
export const SCRIPT_LIMITS = {
  maxSceneTitle: 80,
  maxNarration: 1200,
  maxVisual: 400,
  minScenes: 1,
  maxScenes: 60,
  maxDurationHintSeconds: 600,
} as const;

const L = SCRIPT_LIMITS;

/** Zod schema of one scene. */
export const SceneSchema = z.object({
  title: z
    .string()
    .trim()
    .min(1, 'expected a non-empty title')
    .max(L.maxSceneTitle, `expected at most ${L.maxSceneTitle} characters`),
  narration: z
    .string()
    .trim()
    .min(1, 'expected narration of 1–1200 characters, got an empty string')
    .max(L.maxNarration, `expected at most ${L.maxNarration} characters of narration`),
  visual: z
    .string()
    .trim()
    .max(L.maxVisual, `expected a visual description of at most ${L.maxVisual} characters`),
  durationHintSeconds: z
    .number()
    .positive('expected a positive number of seconds')
    .max(L.maxDurationHintSeconds, `expected at most ${L.maxDurationHintSeconds} seconds`)
    .nullish()
    .transform((v) => v ?? undefined),
});

/** Zod schema of a script: a title and 1–60 scenes. */
export const ScriptSchema = z.object({
  title: z.string().trim().min(1, 'expected a non-empty title'),
  scenes: z
    .array(SceneSchema)
    .min(L.minScenes, 'expected at least 1 scene')
    .max(L.maxScenes, `expected at most ${L.maxScenes} scenes`),
});

/** One scene of a validated script. */
export type Scene = z.output<typeof SceneSchema>;
/** A validated script. */
export type Script = z.output<typeof ScriptSchema>;

/** One schema problem of a script: where and what was expected. */
export interface ScriptProblem {
  /** Field path, e.g. `scenes[2].narration`; `(root)` for the whole value. */
  path: string;
  message: string;
}

/** Options of {@link parseScript}. */
export interface ParseScriptOptions {
  /** Provider that wrote the text, named in errors. */
  provider?: string;
}

/**
 * Parses raw LLM output into a {@link Script}: strips markdown code fences and surrounding prose,
 * extracts the first JSON object, repairs common defects (trailing commas, smart quotes used as
 * JSON quotes, raw line breaks inside strings), then validates against {@link ScriptSchema}.
 *
 * Throws a `REELAY_ERR_PROVIDER` ReelayError with category `quality_failure` (retryable: the model
 * may do better next time) whose message and `details.problems` list every schema problem.
 *
 * @example
 * const script = parseScript('Sure! ```json\n{"title":"Tides","scenes":[...]}\n```');
 */
export function parseScript(text: string, options: ParseScriptOptions = {}): Script {
  const json = extractJsonObject(text);
  if (json === undefined) {
    throw invalid(options, [{ path: '(root)', message: 'expected a JSON object, found none in the output' }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(json.text);
  } catch (error) {
    const message = json.complete
      ? `expected valid JSON (${error instanceof Error ? error.message : String(error)})`
      : 'expected a complete JSON object, the output ends before the object closes (cut off?)';
    throw invalid(options, [{ path: '(root)', message }]);
  }
  const result = ScriptSchema.safeParse(value);
  if (!result.success) {
    throw invalid(
      options,
      result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
    );
  }
  return result.data;
}

function invalid(options: ParseScriptOptions, problems: ScriptProblem[]): ReelayError {
  const who = options.provider ? `The script from ${options.provider}` : 'The script';
  const list = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
  return new ReelayError(
    'REELAY_ERR_PROVIDER',
    `${who} does not match the script format — ${list}. Retry, or switch to another script provider.`,
    {
      category: 'quality_failure',
      retryable: true,
      stage: 'script',
      ...(options.provider ? { provider: options.provider } : {}),
      details: { kind: 'output_validation', problems },
    },
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`))
    .join('');
}

const OPENING_QUOTES = new Set(['"', '\u201c', '\u201d', '\u201e']);
const STRUCTURAL_AFTER_STRING = /^\s*[:,}\]]/;
const CLOSER_AHEAD = /\s*[}\]]/y;

function closesNext(source: string, from: number): boolean {
  CLOSER_AHEAD.lastIndex = from;
  return CLOSER_AHEAD.test(source);
}

/**
 * Finds the first JSON object in `text` (inside a ```json fence when there is one) and returns it
 * repaired. `complete` is false when the text ends before the object closes.
 */
export function extractJsonObject(text: string): { text: string; complete: boolean } | undefined {
  const fence = /```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)```/g;
  let source = text;
  for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
    if (m[1]?.includes('{')) {
      source = m[1];
      break;
    }
  }
  const start = source.indexOf('{');
  if (start < 0) return undefined;
  let out = '';
  let depth = 0;
  let inString = false;
  for (let i = start; i < source.length; i++) {
    const ch = source[i] as string;
    if (inString) {
      if (ch === '\\') {
        out += ch + (source[i + 1] ?? '');
        i++;
      } else if (ch === '"') {
        out += '"';
        inString = false;
      } else if (
        (ch === '\u201d' || ch === '\u201c') &&
        STRUCTURAL_AFTER_STRING.test(source.slice(i + 1, i + 40))
      ) {
        // A smart quote followed by JSON structure closes the string; elsewhere it is content.
        out += '"';
        inString = false;
      } else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else out += ch;
      continue;
    }
    if (OPENING_QUOTES.has(ch)) {
      out += '"';
      inString = true;
    } else if (ch === ',' && closesNext(source, i + 1)) {
      // trailing comma: drop it
    } else {
      out += ch;
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return { text: out, complete: true };
      }
    }
  }
  return { text: out, complete: false };
}

/** Options of {@link scriptPrompt}: the request's options (docs/api-vocabulary.md#request-defaults). */
export type ScriptPromptOptions = Partial<Omit<ScriptBrief, 'brief'>>;

/**
 * Builds the system and user messages that ask a language model for a script in exactly the
 * {@link ScriptSchema} JSON format, sized for the duration (scene count from the density, words
 * per scene from the pacing). The user message ends with a fenced `reelay-brief` JSON block that
 * rule-based writers read back.
 *
 * @example
 * const messages = scriptPrompt('Explain how tides work.', { durationSeconds: 60, pacing: 'fast' });
 * await llm.chat({ messages, json: true }, ctx);
 */
export function scriptPrompt(brief: string, options: ScriptPromptOptions = {}): ChatMessage[] {
  const b = resolveScriptBrief(brief, options);
  const size = scriptSizing(b);
  const seconds = Math.round(size.sceneSeconds * 10) / 10;
  const system = [
    'You are a scriptwriter for short narrated videos.',
    'Reply with one JSON object and nothing else: no markdown fences, no comments, no prose.',
    'The object has exactly this shape:',
    '{"title": string, "scenes": [{"title": string, "narration": string, "visual": string, "durationHintSeconds": number}]}',
    `Rules: ${L.minScenes}–${L.maxScenes} scenes; each scene title at most ${L.maxSceneTitle} characters;`,
    `narration 1–${L.maxNarration} characters of plain spoken text (no stage directions, no markup);`,
    `visual: a description of the picture for the scene, at most ${L.maxVisual} characters;`,
    'durationHintSeconds: the seconds the scene should last.',
    'Open with a hook, give each key point of the brief its own scene, and close with a call to action that serves the goal.',
    `Write the narration in ${b.language}.`,
  ].join('\n');
  const user = [
    `Brief: ${b.brief}`,
    '',
    `Target duration: ${b.durationSeconds} seconds.`,
    `Audience: ${b.audience}. Goal: ${b.goal}. Tone: ${b.tone}. Style: ${b.style}. Language: ${b.language}.`,
    `Pacing: ${b.pacing} (about ${size.wordsPerMinute} words per minute). Density: ${b.density}.`,
    `Write ${size.sceneCount} scene${size.sceneCount === 1 ? '' : 's'} of about ${seconds} seconds each,`,
    `with about ${size.wordsPerScene} words of narration per scene (about ${size.totalWords} words in all).`,
    '',
    'The same brief, machine-readable:',
    formatBriefBlock(b),
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}
