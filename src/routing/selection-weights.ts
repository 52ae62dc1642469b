/** The seven score components of provider selection. */
export const SCORE_COMPONENTS = [
  'base',
  'health',
  'performance',
  'cost',
  'reliability',
  'context',
  'business',
] as const;

/** One of {@link SCORE_COMPONENTS}. */
export type ScoreComponent = (typeof SCORE_COMPONENTS)[number];

/** Weight of each component in the final score. */
export type SelectionWeights = Readonly<Record<ScoreComponent, number>>;

/** What a selection should favour; `balanced` keeps the weights as they are. */
export type SelectionPriority = 'balanced' | 'speed' | 'quality' | 'cost';

/** Default weights (docs/provider-selection.md#weights); they sum to 1. */
export const DEFAULT_SELECTION_WEIGHTS: SelectionWeights = Object.freeze({
  base: 0.2,
  health: 0.25,
  performance: 0.2,
  cost: 0.1,
  reliability: 0.15,
  context: 0.05,
  business: 0.05,
});

/** Weight shifts per priority (docs/provider-selection.md#weights). */
export const PRIORITY_SHIFTS: Readonly<Record<SelectionPriority, Partial<Record<ScoreComponent, number>>>> =
  Object.freeze({
    balanced: {},
    speed: { performance: 0.1, health: 0.05, base: -0.1, cost: -0.05 },
    quality: { performance: 0.15, reliability: 0.1, cost: -0.15, context: -0.1 },
    cost: { cost: 0.2, performance: -0.1, base: -0.1 },
  });

/**
 * The weights for a priority: `weights` plus the priority's shifts, negatives clamped to 0, then
 * renormalised to sum to 1 (so the final score stays 0–100). Returns a new object; `weights` is
 * never mutated.
 * @example shiftWeights(DEFAULT_SELECTION_WEIGHTS, 'cost').cost // 0.3
 */
export function shiftWeights(
  weights: SelectionWeights = DEFAULT_SELECTION_WEIGHTS,
  priority: SelectionPriority = 'balanced',
): SelectionWeights {
  const shift = PRIORITY_SHIFTS[priority];
  const raw = {} as Record<ScoreComponent, number>;
  let total = 0;
  for (const c of SCORE_COMPONENTS) {
    raw[c] = Math.max(0, (weights[c] ?? 0) + (shift[c] ?? 0));
    total += raw[c];
  }
  if (total <= 0) return { ...DEFAULT_SELECTION_WEIGHTS };
  for (const c of SCORE_COMPONENTS) raw[c] = raw[c] / total;
  return Object.freeze(raw);
}
