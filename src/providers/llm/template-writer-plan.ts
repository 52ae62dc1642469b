import type { KeyPoint } from './template-writer-analysis.js';
import { keyPhrase, titleOf } from './template-writer-phrasing.js';
import { wordCount } from './template-writer-text.js';
import { splitSentence } from './template-writer-voice.js';

/** A piece of a key point that a body scene narrates. */
export interface Segment {
  /** Index of the key point it belongs to. */
  point: number;
  /** `fact`: the brief's sentences; `item`: a listed item with no sentences; `angle`: a revisit. */
  kind: 'fact' | 'item' | 'angle';
  /** The brief's sentences (facts), empty otherwise. */
  sentences: string[];
  /** Key phrase, sentence-middle case. */
  phrase: string;
  title: string;
  /** For `angle` segments: the index into ANGLES. */
  angle: number;
  /** True for the second part of a point that was split over two scenes. */
  continued: boolean;
}

const weight = (s: Segment): number => wordCount(s.sentences.join(' ')) + 6;

/**
 * Splits `segments` into `k` contiguous groups of balanced spoken length (least squared deviation
 * from the mean, by dynamic programming). Requires `segments.length >= k >= 1`.
 */
export function partition<T extends Segment>(segments: readonly T[], k: number): T[][] {
  const n = segments.length;
  const prefix = [0];
  for (const s of segments) prefix.push((prefix.at(-1) ?? 0) + weight(s));
  const mean = (prefix[n] ?? 0) / k;
  const cost = (i: number, j: number): number => ((prefix[j] ?? 0) - (prefix[i] ?? 0) - mean) ** 2;
  // best[g][j]: least cost of splitting the first j segments into g groups; cut[g][j] its last cut.
  const best: number[][] = Array.from({ length: k + 1 }, () => Array<number>(n + 1).fill(Infinity));
  const cut: number[][] = Array.from({ length: k + 1 }, () => Array<number>(n + 1).fill(0));
  (best[0] as number[])[0] = 0;
  for (let g = 1; g <= k; g++) {
    for (let j = g; j <= n - (k - g); j++) {
      for (let i = g - 1; i < j; i++) {
        const c = (best[g - 1]?.[i] ?? Infinity) + cost(i, j);
        if (c < (best[g]?.[j] ?? Infinity)) {
          (best[g] as number[])[j] = c;
          (cut[g] as number[])[j] = i;
        }
      }
    }
  }
  const groups: T[][] = [];
  for (let g = k, j = n; g > 0; g--) {
    const i = cut[g]?.[j] ?? 0;
    groups.unshift(segments.slice(i, j));
    j = i;
  }
  return groups;
}

function splitOne(segments: Segment[], contractions: boolean): boolean {
  let at = -1;
  let parts: [string[], string[]] | undefined;
  let most = 0;
  for (const [i, s] of segments.entries()) {
    if (s.kind !== 'fact') continue;
    const words = wordCount(s.sentences.join(' '));
    if (words <= most) continue;
    if (s.sentences.length >= 2) {
      // Cut between sentences, as near the middle as possible.
      let cutAt = 1;
      let bestGap = Infinity;
      let run = 0;
      for (let c = 1; c < s.sentences.length; c++) {
        run += wordCount(s.sentences[c - 1] ?? '');
        const gap = Math.abs(run - words / 2);
        if (gap < bestGap) {
          bestGap = gap;
          cutAt = c;
        }
      }
      parts = [s.sentences.slice(0, cutAt), s.sentences.slice(cutAt)];
    } else {
      const halves = splitSentence(s.sentences[0] ?? '', contractions);
      if (!halves) continue;
      parts = [[halves[0]], [halves[1]]];
    }
    at = i;
    most = words;
  }
  const s = segments[at];
  if (!s || !parts) return false;
  const named = (sentences: string[]): { phrase: string; title: string } | undefined => {
    const phrase = keyPhrase(sentences[0] ?? '', true);
    return phrase ? { phrase, title: titleOf(phrase) } : undefined;
  };
  // A half gets its own title when it names something of its own; else the point's title.
  const first = (s.continued ? undefined : named(parts[0])) ?? { phrase: s.phrase, title: s.title };
  let second = named(parts[1]) ?? { phrase: s.phrase, title: s.title };
  if (second.title.toLowerCase() === first.title.toLowerCase()) second = { phrase: s.phrase, title: s.title };
  segments.splice(
    at,
    1,
    { ...s, sentences: parts[0], ...first },
    { ...s, sentences: parts[1], ...second, continued: true },
  );
  return true;
}

/**
 * Plans `k` body scenes for the key points, in brief order. More points than scenes: neighbouring
 * points share a scene (balanced by length). Fewer: long points are split between sentences, then
 * long sentences at a clause boundary; if scenes remain, points are revisited from an angle
 * (round-robin, each revisit right after its point).
 */
export function planBody(points: readonly KeyPoint[], k: number, contractions = false): Segment[][] {
  if (k <= 0) return [];
  const segments: Segment[] = points.map((p, point) => ({
    point,
    kind: p.statements.length > 0 ? 'fact' : 'item',
    sentences: [...p.statements],
    phrase: p.phrase,
    title: p.title,
    angle: 0,
    continued: false,
  }));
  while (segments.length < k && splitOne(segments, contractions)) {
    // each pass splits the longest splittable segment
  }
  const angles = points.map(() => 0);
  for (let extra = 0; segments.length < k; extra++) {
    const point = extra % points.length;
    const p = points[point] as KeyPoint;
    const angle = angles[point] ?? 0;
    angles[point] = angle + 1;
    let last = segments.length - 1;
    while (last >= 0 && (segments[last]?.point ?? 0) > point) last--;
    segments.splice(last + 1, 0, {
      point,
      kind: 'angle',
      sentences: [],
      phrase: p.phrase,
      title: p.title,
      angle,
      continued: true,
    });
  }
  return segments.length === k ? segments.map((s) => [s]) : partition(segments, k);
}
