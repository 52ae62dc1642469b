import { svg } from './dom.js';
import { formatMs } from './format.js';
import type { LatencySample } from './latency-history.js';

const W = 320;
const H = 110;
const PAD = 48;

function path(
  samples: readonly LatencySample[],
  pick: 'p50' | 'p95',
  max: number,
  t0: number,
  t1: number,
): string {
  const span = Math.max(1, t1 - t0);
  return samples
    .filter((s) => s[pick] !== null)
    .map((s) => {
      const x = PAD + ((s.at - t0) / span) * (W - PAD - 6);
      const y = H - 16 - ((s[pick] ?? 0) / max) * (H - 28);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/** An inline SVG line chart of p50 and p95 over the sampled time, described for screen readers. */
export function latencyChart(provider: string, samples: readonly LatencySample[]): SVGElement {
  const values = samples.flatMap((s) => [s.p50, s.p95]).filter((v): v is number => v !== null);
  const max = Math.max(1, ...values);
  const t0 = samples[0]?.at ?? 0;
  const t1 = samples[samples.length - 1]?.at ?? t0;
  const last = samples[samples.length - 1];
  const summary = last
    ? `Latency of ${provider} over ${samples.length} samples: p50 now ${formatMs(last.p50)}, p95 now ${formatMs(last.p95)}, highest ${formatMs(max)}.`
    : `No latency samples of ${provider} yet.`;
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, class: 'chart' },
    svg('title', {}, summary),
    svg('line', { x1: PAD, y1: H - 16, x2: W - 4, y2: H - 16, class: 'axis' }),
    svg('line', { x1: PAD, y1: 10, x2: PAD, y2: H - 16, class: 'axis' }),
    svg('text', { x: 2, y: 16, class: 'tick' }, formatMs(max)),
    svg('text', { x: 2, y: H - 18, class: 'tick' }, '0'),
    svg('text', { x: PAD, y: H - 3, class: 'tick' }, 'sampled while this page is open'),
    svg('polyline', { points: path(samples, 'p50', max, t0, t1), class: 'line p50' }),
    svg('polyline', { points: path(samples, 'p95', max, t0, t1), class: 'line p95' }),
  );
}
