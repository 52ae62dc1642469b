import { wordCount } from './template-writer-text.js';

/** One sentence a scene may say. */
export interface Line {
  text: string;
  /** Where it goes in the scene (ascending); ties keep insertion order. */
  pos: number;
  /** Required lines are always said (unless `droppable` and the script is too long). */
  required: boolean;
  /** For optional lines: lower is added first; {@link PADDING} and above only when the script is short. */
  prio: number;
  /** A shorter form to say when the script is too long. */
  short?: string;
  /** A required line that may be dropped when the script is still too long after shortening. */
  droppable?: boolean;
}

/** Optional lines with this priority or more are said only when the script is over 10 % short. */
export const PADDING = 5;

interface State {
  line: Line;
  on: boolean;
  text: string;
  tried: boolean;
}

const words = (scene: State[]): number => scene.reduce((n, s) => n + (s.on ? wordCount(s.text) : 0), 0);

function shrink(scenes: State[][], target: number, wordsPerScene: number): void {
  const total = (): number => scenes.reduce((n, s) => n + words(s), 0);
  const over = (scene: State[]): number => words(scene) - wordsPerScene;
  // Shorten the longest shortenable sentence of the most over-long scene, then drop sentences.
  for (const mode of ['shorten', 'drop'] as const) {
    while (total() > target) {
      let pick: State | undefined;
      let worst = -Infinity;
      for (const scene of scenes) {
        const candidates = scene.filter((s) =>
          mode === 'shorten'
            ? s.on && s.line.short !== undefined && s.text !== s.line.short
            : s.on && s.line.droppable === true,
        );
        if (candidates.length === 0 || over(scene) <= worst) continue;
        worst = over(scene);
        pick =
          mode === 'shorten'
            ? candidates.reduce((a, b) => (wordCount(b.text) > wordCount(a.text) ? b : a))
            : candidates.at(-1);
      }
      if (!pick) break;
      if (mode === 'shorten') pick.text = pick.line.short ?? pick.text;
      else pick.on = false;
    }
  }
}

function grow(
  scenes: State[][],
  sceneCap: number,
  totalCap: number,
  wordsPerScene: number,
  maxPrio: number,
): void {
  let total = scenes.reduce((n, s) => n + words(s), 0);
  for (;;) {
    // Lowest priority number first; among equals, the scene furthest below its share.
    let best: { line: State; prio: number; need: number } | undefined;
    for (const scene of scenes) {
      const have = words(scene);
      const need = wordsPerScene - have;
      if (need <= 0) continue;
      const next = scene
        .filter((s) => !s.on && !s.tried && s.line.prio <= maxPrio)
        .sort((a, b) => a.line.prio - b.line.prio)
        .find((s) => have + wordCount(s.text) <= sceneCap && total + wordCount(s.text) <= totalCap);
      if (!next) continue;
      if (!best || next.line.prio < best.prio || (next.line.prio === best.prio && need > best.need))
        best = { line: next, prio: next.line.prio, need };
    }
    if (!best) return;
    best.line.on = true;
    best.line.tried = true;
    total += wordCount(best.line.text);
  }
}

/**
 * Chooses and orders each scene's sentences so the script lands near `wordsPerScene` × scenes
 * words: required sentences always (shortened, then dropped when droppable, while the total is more
 * than 10 % over), optional ones by priority into the scenes furthest below their share (each
 * scene at most 15 % over its share, the total at most 5 % over; a second, looser pass when the
 * total is still more than 10 % under). Returns the narration of each scene.
 */
export function fitScenes(drafts: readonly Line[][], wordsPerScene: number): string[] {
  const scenes: State[][] = drafts.map((lines) =>
    lines.map((line) => ({ line, on: line.required, text: line.text, tried: line.required })),
  );
  const target = wordsPerScene * scenes.length;
  shrink(scenes, Math.floor(target * 1.1), wordsPerScene);
  grow(
    scenes,
    wordsPerScene + Math.max(2, Math.round(wordsPerScene * 0.15)),
    target * 1.05,
    wordsPerScene,
    PADDING - 1,
  );
  if (scenes.reduce((n, s) => n + words(s), 0) < target * 0.9) {
    for (const scene of scenes) for (const s of scene) s.tried = s.on;
    grow(
      scenes,
      Math.max(wordsPerScene + 4, Math.round(wordsPerScene * 1.6)),
      target,
      wordsPerScene * 1.6,
      Infinity,
    );
  }
  return scenes.map((scene) =>
    scene
      .map((s, i) => ({ s, i }))
      .filter(({ s }) => s.on)
      .sort((a, b) => a.s.line.pos - b.s.line.pos || a.i - b.i)
      .map(({ s }) => s.text)
      .join(' '),
  );
}
