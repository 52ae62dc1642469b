import type { ProviderPerformanceView } from '../../jobs/reelay-service.js';
import { svg } from './dom.js';
import { formatMs } from './format.js';

const W = 320;
const H = 110;
const PAD = 48;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type Hour = ProviderPerformanceView['series'][number];

function path(series: readonly Hour[], pick: 'p50Ms' | 'p95Ms', max: number, t1: number): string {
  const t0 = t1 - DAY_MS;
  return series
    .map((s) => {
      const at = Date.parse(s.hour) + HOUR_MS / 2;
      const x = PAD + ((at - t0) / DAY_MS) * (W - PAD - 6);
      const y = H - 16 - (s[pick] / max) * (H - 28);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * An inline SVG line chart of the server's hourly p50 and p95 over the last 24 h (one point per
 * hour with calls, a dot when only one), described for screen readers.
 */
export function latencyChart(provider: string, series: readonly Hour[], now: number): SVGElement {
  const max = Math.max(1, ...series.map((s) => s.p95Ms));
  const last = series[series.length - 1];
  const summary = last
    ? `Hourly latency of ${provider} over the last 24 h (${series.length} hours with calls): last hour p50 ${formatMs(last.p50Ms)}, p95 ${formatMs(last.p95Ms)}; highest p95 ${formatMs(max)}.`
    : `No calls to ${provider} in the last 24 h.`;
  const t1 = Math.floor(now / HOUR_MS) * HOUR_MS + HOUR_MS;
  const dots = (pick: 'p50Ms' | 'p95Ms') =>
    series.length === 1
      ? path(series, pick, max, t1)
          .split(' ')
          .map((pt) => {
            const [cx, cy] = pt.split(',');
            return svg('circle', {
              cx: cx ?? 0,
              cy: cy ?? 0,
              r: 2.5,
              class: `dot ${pick === 'p50Ms' ? 'p50' : 'p95'}`,
            });
          })
      : null;
  return svg(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': summary,
      class: 'chart',
      'data-points': series.length,
    },
    svg('title', {}, summary),
    svg('line', { x1: PAD, y1: H - 16, x2: W - 4, y2: H - 16, class: 'axis' }),
    svg('line', { x1: PAD, y1: 10, x2: PAD, y2: H - 16, class: 'axis' }),
    svg('text', { x: 2, y: 16, class: 'tick' }, formatMs(max)),
    svg('text', { x: 2, y: H - 18, class: 'tick' }, '0'),
    svg('text', { x: PAD, y: H - 3, class: 'tick' }, '24 h ago'),
    svg('text', { x: W - 30, y: H - 3, class: 'tick' }, 'now'),
    svg('polyline', { points: path(series, 'p50Ms', max, t1), class: 'line p50' }),
    svg('polyline', { points: path(series, 'p95Ms', max, t1), class: 'line p95' }),
    dots('p50Ms'),
    dots('p95Ms'),
  );
}
