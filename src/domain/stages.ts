/** Pipeline stages, in order. */
export const STAGES = ['brief', 'script', 'narration', 'visuals', 'render', 'post'] as const;

/** One of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

/** Weight of each stage in overall job progress (sums to 100). */
export const STAGE_WEIGHTS: Readonly<Record<Stage, number>> = {
  brief: 5,
  script: 20,
  narration: 30,
  visuals: 25,
  render: 15,
  post: 5,
};
