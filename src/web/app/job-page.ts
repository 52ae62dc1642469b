import type { ConnectionState } from '../../client/progress-stream.js';
import type { ProviderInfo } from '../../jobs/reelay-service.js';
import { describeError, isAuthError } from './api.js';
import { DecisionDialog } from './decision-dialog.js';
import { announce, h, replace } from './dom.js';
import { alternativesList } from './fallback-panel.js';
import { formatMs, formatSeconds, formatTime } from './format.js';
import { renderJobResult } from './job-result.js';
import { applyJobEvent } from './job-state.js';
import { initialJobState, type JobViewState } from './job-view-state.js';
import { latencyState } from './latency-states.js';
import type { View } from './view.js';

const CONNECTION_TEXT: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting (resuming after the last event)…',
  polling: 'Live updates unavailable: checking the status periodically',
  closed: 'Finished',
};

function bar(label: string, percent: number, id: string): HTMLElement {
  const value = Math.round(percent);
  return h(
    'div',
    { class: 'bar' },
    h('label', { for: id }, label),
    h('progress', { id, max: 100, value }, `${value} %`),
  );
}

function renderProgress(el: HTMLElement, s: JobViewState): void {
  replace(
    el,
    h('h2', {}, 'Progress'),
    h(
      'div',
      { class: 'overall' },
      bar(`Overall: ${Math.round(s.percent)} %`, s.percent, 'overall-progress'),
      h(
        'p',
        { class: 'eta' },
        s.status === 'processing' || s.status === 'pending'
          ? `${s.etaSeconds === null ? 'Time left: estimating' : `About ${formatSeconds(s.etaSeconds)} left`} · ${s.message}`
          : s.message,
      ),
    ),
    h(
      'ol',
      { class: 'stages' },
      s.stages.map((st) =>
        h(
          'li',
          { class: `stage stage-${st.state}`, 'data-stage': st.name },
          bar(
            `${st.name[0]?.toUpperCase()}${st.name.slice(1)} — ${st.state}${st.provider ? ` · ${st.provider}` : ''}${st.durationMs !== null ? ` · ${formatMs(st.durationMs)}` : ''}`,
            st.percent,
            `stage-${st.name}`,
          ),
        ),
      ),
    ),
  );
}

function renderDrawer(
  el: HTMLElement,
  s: JobViewState,
  connection: ConnectionState,
  now: number,
  actions: { answer: () => void; cancel: () => void },
): void {
  const call = s.call;
  const state = call?.active ? latencyState(call.category) : null;
  const badge = state
    ? h('span', { class: 'latency-badge', 'data-latency': state.key }, state.label)
    : h('span', { class: 'latency-badge idle' }, call ? 'Idle • No call running' : 'No provider call yet');
  if (state) {
    badge.style.setProperty('background', state.color);
    badge.style.setProperty('color', state.ink);
  }
  const running = s.status === 'pending' || s.status === 'processing';
  replace(
    el,
    h('h2', { id: 'drawer-title' }, 'Status'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Job'),
      h('dd', { class: 'job-status', 'data-status': s.status }, s.status),
      h('dt', {}, 'Provider'),
      h('dd', { class: 'current-provider' }, call ? `${call.provider} (${call.stage})` : '—'),
      h('dt', {}, 'Latency state'),
      h('dd', {}, badge, state ? h('span', { class: 'hint' }, ` ${state.name}`) : null),
      h('dt', {}, call?.active ? 'Waiting for' : 'Last call started'),
      h(
        'dd',
        { class: 'elapsed' },
        call ? (call.active ? formatMs(now - Date.parse(call.startedAt)) : formatTime(call.startedAt)) : '—',
      ),
      h('dt', {}, 'Connection'),
      h('dd', { class: 'connection', 'data-connection': connection }, CONNECTION_TEXT[connection]),
    ),
    s.pending
      ? h('button', { type: 'button', class: 'primary', onclick: actions.answer }, 'Answer decision')
      : null,
    running ? h('button', { type: 'button', class: 'danger', onclick: actions.cancel }, 'Cancel job') : null,
  );
}

function renderPanel(el: HTMLElement, s: JobViewState, providers: ProviderInfo[]): void {
  el.hidden = s.alternatives.length === 0;
  if (el.hidden) return;
  replace(
    el,
    h('h2', {}, 'Fallback options'),
    h(
      'p',
      { class: 'hint' },
      'Alternatives ranked by the selection score (0–100), with the reasons and the score’s weighted components.',
    ),
    alternativesList(s.alternatives, providers),
  );
}

function renderTimeline(el: HTMLElement, s: JobViewState): void {
  replace(
    el,
    h('h2', {}, 'Audit trail'),
    s.timeline.length === 0
      ? h('p', { class: 'hint' }, 'Nothing recorded yet.')
      : h(
          'ol',
          { class: 'timeline' },
          s.timeline.map((t) =>
            h(
              'li',
              { class: `tone-${t.tone}`, 'data-code': t.code ?? '' },
              h('time', { datetime: t.timestamp }, new Date(t.timestamp).toLocaleTimeString()),
              h('span', { class: 'title' }, t.title),
              t.code ? h('code', { class: 'reason' }, t.code) : null,
              t.detail ? h('p', { class: 'detail' }, t.detail) : null,
            ),
          ),
        ),
  );
}

/** The job page: progress, status drawer, decisions, fallback panel, audit trail and result, from SSE alone. */
export const renderJobPage: View = ({ session, main, param: jobId, onAuthError }) => {
  const abort = new AbortController();
  let state = initialJobState();
  let connection: ConnectionState = 'connecting';
  let providers: ProviderInfo[] = [];
  let scheduled = false;
  let resultShown = false;
  let announcedStatus = '';

  const progressEl = h('section', { class: 'card progress-card', 'aria-labelledby': 'progress-h' });
  const drawerEl = h('aside', { class: 'card drawer', 'aria-labelledby': 'drawer-title' });
  const panelEl = h('section', { class: 'card fallback-panel', hidden: true });
  const timelineEl = h('section', { class: 'card timeline-card' });
  const resultEl = h('section', { class: 'card result', hidden: true });
  const errorEl = h('div', { role: 'alert', class: 'page-error' });
  const briefEl = h('p', { class: 'brief' });
  const dialog = new DecisionDialog(session, jobId, () => providers);

  const cancel = (): void => {
    if (!window.confirm('Cancel this job? No video will be made.')) return;
    session.client.cancel(jobId, { reason: 'canceled from the web UI' }).catch((error: unknown) => {
      errorEl.textContent = `The job could not be canceled: ${describeError(error)}`;
    });
  };

  const render = (): void => {
    scheduled = false;
    briefEl.textContent = state.brief;
    renderProgress(progressEl, state);
    progressEl.querySelector('h2')?.setAttribute('id', 'progress-h');
    renderDrawer(drawerEl, state, connection, Date.now(), {
      answer: () => dialog.update(state.pending, true),
      cancel,
    });
    renderPanel(panelEl, state, providers);
    renderTimeline(timelineEl, state);
    dialog.update(state.pending);
    if (state.status !== announcedStatus) {
      announcedStatus = state.status;
      announce(`Job ${state.status}.`);
    }
    if (state.status === 'completed' && !resultShown) {
      resultShown = true;
      resultEl.hidden = false;
      renderJobResult(resultEl, session, jobId);
    }
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  };

  replace(
    main,
    h('h1', {}, `Job ${jobId}`),
    briefEl,
    errorEl,
    h(
      'div',
      { class: 'job-layout' },
      drawerEl,
      h('div', { class: 'job-main' }, progressEl, resultEl, panelEl, timelineEl),
    ),
    dialog.element,
  );
  render();

  const loadProviders = (): void => {
    session.client.listProviders({ signal: abort.signal }).then(
      (r) => {
        providers = r.providers;
        schedule();
      },
      () => {},
    );
  };
  loadProviders();

  session.client
    .streamProgress(jobId, {
      signal: abort.signal,
      reconnectBaseMs: 500,
      reconnectCapMs: 5000,
      maxReconnects: 20,
      onEvent: (event) => {
        const before = state.pending?.decisionId;
        state = applyJobEvent(state, event);
        if (state.pending && state.pending.decisionId !== before) loadProviders();
        schedule();
      },
      onConnectionState: (next) => {
        connection = next;
        schedule();
      },
    })
    .catch((error: unknown) => {
      if (abort.signal.aborted) return;
      if (isAuthError(error)) return onAuthError();
      errorEl.textContent = `The job’s events could not be followed: ${describeError(error)}`;
    });

  const ticker = window.setInterval(() => {
    const elapsed = drawerEl.querySelector('.elapsed');
    if (elapsed && state.call?.active)
      elapsed.textContent = formatMs(Date.now() - Date.parse(state.call.startedAt));
  }, 1000);

  return () => {
    abort.abort();
    window.clearInterval(ticker);
    if (dialog.element.open) dialog.element.close();
  };
};
