/** Narration pacing of a script (`slow` is an alias of `chill`). */
export type ScriptPacing = 'chill' | 'slow' | 'conversational' | 'fast';

/** Scene density of a script: how often the picture changes. */
export type ScriptDensity = 'sparse' | 'balanced' | 'dense';

/**
 * Narration speed per pacing, in words per minute: chill/slow 130, conversational 150, fast 175
 * (the same numbers as the pipeline's timeline estimates).
 */
export const PACING_WORDS_PER_MINUTE: Readonly<Record<ScriptPacing, number>> = {
  chill: 130,
  slow: 130,
  conversational: 150,
  fast: 175,
};

/** Seconds of video per scene, per density: sparse ~20 s, balanced ~12 s, dense ~8 s. */
export const DENSITY_SECONDS_PER_SCENE: Readonly<Record<ScriptDensity, number>> = {
  sparse: 20,
  balanced: 12,
  dense: 8,
};

/** Fewest and most scenes a script may have (the script schema's bounds). */
export const MIN_SCENES = 1;
/** @see MIN_SCENES */
export const MAX_SCENES = 60;

/** Input of {@link scriptSizing}. */
export interface ScriptSizingInput {
  /** Target video length in seconds. */
  durationSeconds: number;
  /** @default 'conversational' */
  pacing?: ScriptPacing;
  /** @default 'balanced' */
  density?: ScriptDensity;
}

/** How long and how many scenes a script should have. */
export interface ScriptSizing {
  wordsPerMinute: number;
  /** Number of scenes, 1–60. */
  sceneCount: number;
  /** Seconds per scene (duration ÷ scene count). */
  sceneSeconds: number;
  /** Narration words per scene (words per minute × scene seconds ÷ 60, at least 1). */
  wordsPerScene: number;
  /** Narration words for the whole script. */
  totalWords: number;
}

/**
 * Sizes a script for a target duration: scene count from the density (rounded, within 1–60),
 * narration words per scene from the pacing's words per minute.
 *
 * @example
 * scriptSizing({ durationSeconds: 60, pacing: 'conversational', density: 'balanced' });
 * // { wordsPerMinute: 150, sceneCount: 5, sceneSeconds: 12, wordsPerScene: 30, totalWords: 150 }
 */
export function scriptSizing(input: ScriptSizingInput): ScriptSizing {
  const durationSeconds =
    Number.isFinite(input.durationSeconds) && input.durationSeconds > 0 ? input.durationSeconds : 60;
  const wordsPerMinute = PACING_WORDS_PER_MINUTE[input.pacing ?? 'conversational'];
  const perScene = DENSITY_SECONDS_PER_SCENE[input.density ?? 'balanced'];
  const sceneCount = Math.min(MAX_SCENES, Math.max(MIN_SCENES, Math.round(durationSeconds / perScene)));
  const sceneSeconds = durationSeconds / sceneCount;
  const wordsPerScene = Math.max(1, Math.round((wordsPerMinute * sceneSeconds) / 60));
  return { wordsPerMinute, sceneCount, sceneSeconds, wordsPerScene, totalWords: wordsPerScene * sceneCount };
}
