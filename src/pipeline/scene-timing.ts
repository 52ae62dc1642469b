import type { Pacing } from './video-request.js';

/** Narration speed per pacing, in words per minute. */
export const WORDS_PER_MINUTE: Readonly<Record<Pacing, number>> = {
  chill: 130,
  conversational: 150,
  fast: 175,
};

/** A scene placed on the timeline. */
export interface TimedScene {
  index: number;
  startMs: number;
  endMs: number;
  durationMs: number;
}

/** Counts words the way narration estimates do (whitespace-separated tokens). */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** Estimated narration length of `text` at a pacing, at least `minMs`. */
export function estimateNarrationMs(text: string, pacing: Pacing, minMs = 1500): number {
  return Math.max(minMs, Math.round((countWords(text) / WORDS_PER_MINUTE[pacing]) * 60_000));
}

/**
 * Lays scenes end to end. Each scene lasts as long as its narration plus `padMs` of breathing
 * room, and never less than `minSceneMs`: measured audio drives the timeline, not the plan.
 */
export function layoutTimeline(narrationMs: readonly number[], padMs = 400, minSceneMs = 2000): TimedScene[] {
  let cursor = 0;
  return narrationMs.map((ms, index) => {
    const durationMs = Math.max(minSceneMs, Math.round(ms + padMs));
    const scene = { index, startMs: cursor, endMs: cursor + durationMs, durationMs };
    cursor += durationMs;
    return scene;
  });
}
