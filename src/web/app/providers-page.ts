import type {
  BudgetsView,
  GatewayStatsView,
  ProviderInfo,
  ProviderPerformanceView,
} from '../../jobs/reelay-service.js';
import { canAdminister, describeError, getJson, isAuthError, type Session } from './api.js';
import { budgetsPanel } from './budgets-panel.js';
import { announce, h, replace } from './dom.js';
import { formatMs, humanize } from './format.js';
import { bulkheadText, rateLimitText } from './limit-labels.js';
import { breakerClosed, breakerText, healthText } from './provider-labels.js';
import { latencyChart } from './svg-chart.js';
import type { View } from './view.js';

/** How often the dashboard asks the server again while open. */
const REFRESH_MS = 5000;

const pct = (n: number): string => `${Math.round(n * 100)} %`;

/** The server tracker's latency trend, in words. */
function trendText(perf: ProviderPerformanceView | undefined): string {
  if (!perf) return 'Trend: not loaded.';
  const t = perf.trend;
  if (t.points < 2) return 'Trend (24 h): fewer than two hours with calls.';
  const sign = t.changePct >= 0 ? '+' : '';
  return `Trend (24 h): latency ${t.direction} (${sign}${t.changePct.toFixed(0)} %, confidence ${pct(t.confidence)})`;
}

/** The server tracker's prediction from the recent calls, in words. */
function predictionText(perf: ProviderPerformanceView | undefined): string {
  const p = perf?.prediction;
  if (!p) return 'Prediction: needs at least 10 calls.';
  return `Prediction: response ${formatMs(p.responseTimeMs)}, failure ${pct(p.failureRate)}, suggested load ${pct(p.optimalLoad)} (confidence ${pct(p.confidence)}, ${p.samples} calls)`;
}

function providerCard(
  p: ProviderInfo,
  perf: ProviderPerformanceView | undefined,
  now: number,
  onCircuit: (p: ProviderInfo, action: 'open' | 'close') => void,
  allowed: boolean,
): HTMLElement {
  const closed = breakerClosed(p);
  const healthClass = p.health ? (p.health.healthy ? 'good' : 'bad') : '';
  return h(
    'li',
    { class: 'card provider', 'data-provider': p.id },
    h(
      'h2',
      {},
      p.displayName,
      h('span', { class: 'hint' }, ` ${p.id} · ${p.kind}${p.offline ? ' · offline' : ''}`),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Health'),
      h('dd', { class: healthClass }, healthText(p)),
      h('dt', {}, 'Breaker'),
      h(
        'dd',
        { class: `breaker breaker-${p.breaker.state}`, 'data-breaker': p.breaker.state },
        breakerText(p),
      ),
      h('dt', {}, 'Latency (24 h)'),
      h(
        'dd',
        {},
        `p50 ${formatMs(p.latency.p50Ms)} · p95 ${formatMs(p.latency.p95Ms)} · ${p.latency.calls} calls`,
      ),
      h('dt', {}, 'Success rate'),
      h('dd', {}, p.latency.successRate === null ? '—' : `${Math.round(p.latency.successRate * 100)} %`),
      h('dt', {}, 'Call slots'),
      h('dd', { 'data-limit': 'bulkhead' }, bulkheadText(p)),
      h('dt', {}, 'Rate limit'),
      h('dd', { 'data-limit': 'rate' }, rateLimitText(p)),
      h('dt', {}, 'Score'),
      h(
        'dd',
        {},
        p.score
          ? `${p.score.total}/100 (${Object.entries(p.score.components)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')})`
          : '—',
      ),
    ),
    latencyChart(p.id, perf?.series ?? [], now),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'key p50' }, 'p50'),
      ' ',
      h('span', { class: 'key p95' }, 'p95'),
    ),
    h('p', { class: 'trend' }, trendText(perf)),
    h('p', { class: 'prediction' }, predictionText(perf)),
    h(
      'button',
      {
        type: 'button',
        class: closed ? '' : 'primary',
        'data-action': closed ? 'open' : 'close',
        disabled: !allowed,
        'aria-describedby': allowed ? null : 'breaker-scope-note',
        onclick: () => onCircuit(p, closed ? 'open' : 'close'),
      },
      closed ? `Open breaker of ${p.id} (maintenance)` : `Close breaker of ${p.id}`,
    ),
  );
}

function statsCard(s: GatewayStatsView): HTMLElement {
  return h(
    'section',
    { class: 'card stats', 'aria-labelledby': 'stats-h' },
    h('h2', { id: 'stats-h' }, 'Gateway'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Active calls'),
      h('dd', {}, String(s.activeOperations)),
      h('dt', {}, 'Provider locks'),
      h('dd', {}, String(s.activeLocks)),
      h('dt', {}, 'Fallback decisions'),
      h(
        'dd',
        {},
        `${s.totalFallbackDecisions} (${s.userRequested} by users, ${s.errorTriggered} after errors)`,
      ),
      Object.entries(s.byReason).map(([reason, n]) => [
        h('dt', {}, humanize(reason)),
        h('dd', {}, String(n)),
      ]),
    ),
  );
}

async function refresh(session: Session, signal: AbortSignal) {
  const [{ providers }, stats, budgets] = await Promise.all([
    session.client.listProviders({ signal }),
    session.client.gatewayStats({ signal }),
    getJson<BudgetsView>(session, '/api/budgets'),
  ]);
  const perf = new Map<string, ProviderPerformanceView>();
  await Promise.all(
    providers.map(async (p) => {
      const path = `/api/providers/${encodeURIComponent(p.id)}/performance`;
      perf.set(p.id, await getJson<ProviderPerformanceView>(session, path));
    }),
  );
  return { providers, stats, budgets, perf };
}

/**
 * The providers dashboard: breakers (open / close), health, the server's hourly latency charts,
 * trends and predictions, scores, and spend against budgets.
 */
export const renderProviders: View = ({ session, main, onAuthError }) => {
  const abort = new AbortController();
  const list = h('ul', { class: 'provider-grid', 'aria-busy': 'true' });
  const statsBox = h('div', {});
  const budgetsBox = h('div', {});
  const message = h('p', { role: 'status', class: 'notice' });
  const allowed = canAdminister(session);
  const scopeNote = allowed
    ? null
    : h(
        'p',
        { id: 'breaker-scope-note', class: 'hint scope-note' },
        session.who.authRequired
          ? `Opening and closing breakers needs an API key with the admin scope; the key${session.who.name ? ` "${session.who.name}"` : ''} has ${session.who.scopes.join(', ') || 'no scopes'}.`
          : 'Opening and closing breakers needs an operator: use the page on the server itself, or configure API keys with the admin scope.',
      );

  const update = (): void => {
    refresh(session, abort.signal).then(
      ({ providers, stats, budgets, perf }) => {
        const now = Date.now();
        const focused = document.activeElement?.closest('[data-provider]')?.getAttribute('data-provider');
        replace(
          list,
          providers.map((p) => providerCard(p, perf.get(p.id), now, onCircuit, allowed)),
        );
        list.setAttribute('aria-busy', 'false');
        if (focused)
          list.querySelector<HTMLElement>(`[data-provider="${CSS.escape(focused)}"] button`)?.focus();
        replace(statsBox, statsCard(stats));
        replace(budgetsBox, budgetsPanel(budgets));
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        if (isAuthError(error)) return onAuthError();
        message.textContent = `The providers could not be loaded: ${describeError(error)}`;
      },
    );
  };

  const onCircuit = (p: ProviderInfo, action: 'open' | 'close'): void => {
    session.client
      .setCircuit(p.id, action, {
        reason: action === 'open' ? 'maintenance from the web UI' : 'closed from the web UI',
      })
      .then(
        (r) => {
          message.textContent = `Breaker of ${p.id} is now ${r.state}.`;
          announce(message.textContent);
          update();
        },
        (error: unknown) => {
          if (isAuthError(error)) return onAuthError();
          message.textContent = `The breaker of ${p.id} could not be changed: ${describeError(error)}`;
        },
      );
  };

  replace(main, h('h1', {}, 'Providers'), message, scopeNote, statsBox, budgetsBox, list);
  update();
  const timer = window.setInterval(update, REFRESH_MS);
  return () => {
    abort.abort();
    window.clearInterval(timer);
  };
};
