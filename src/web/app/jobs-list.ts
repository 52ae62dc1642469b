import type { JobSearchResponse } from '../../server/routes/job-search-routes.js';
import { describeError, getJson, isAuthError } from './api.js';
import { h, replace } from './dom.js';
import { formatTime } from './format.js';
import type { View } from './view.js';

const STATUSES = ['', 'pending', 'processing', 'completed', 'failed', 'canceled'] as const;

function labelled(id: string, label: string, input: HTMLElement): HTMLElement {
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

/** The jobs list: search in briefs and filters by status, provider and creation date. */
export const renderJobsList: View = ({ session, main, onAuthError }) => {
  const abort = new AbortController();
  const q = h('input', { type: 'search', name: 'q', maxlength: 200, placeholder: 'Words of the brief' });
  const status = h(
    'select',
    { name: 'status' },
    STATUSES.map((s) => h('option', { value: s }, s === '' ? 'Any status' : s)),
  );
  const provider = h('select', { name: 'provider' }, h('option', { value: '' }, 'Any provider'));
  const from = h('input', { type: 'date', name: 'from' });
  const to = h('input', { type: 'date', name: 'to' });
  const results = h('div', { 'aria-live': 'polite', 'aria-busy': 'true' });
  const form = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': 'Filter jobs' },
    labelled('jobs-q', 'Search in briefs', q),
    labelled('jobs-status', 'Status', status),
    labelled('jobs-provider', 'Provider', provider),
    labelled('jobs-from', 'Created from', from),
    labelled('jobs-to', 'Created until', to),
    h('button', { type: 'submit', class: 'primary' }, 'Filter'),
  );

  const load = (): void => {
    const params = new URLSearchParams();
    for (const [name, el] of [
      ['q', q],
      ['status', status],
      ['provider', provider],
      ['from', from],
      ['to', to],
    ] as const) {
      if (el.value.trim()) params.set(name, el.value.trim());
    }
    results.setAttribute('aria-busy', 'true');
    getJson<JobSearchResponse>(session, `/api/jobs/search?${params.toString()}`).then(
      (r) => {
        results.setAttribute('aria-busy', 'false');
        replace(
          results,
          h(
            'p',
            { class: 'hint' },
            `${r.items.length} job${r.items.length === 1 ? '' : 's'}${r.truncated ? ' (older jobs not shown)' : ''}.`,
          ),
          r.items.length
            ? h(
                'ul',
                { class: 'job-list' },
                r.items.map((job) =>
                  h(
                    'li',
                    { class: 'card job-item' },
                    h(
                      'a',
                      { href: `#/jobs/${job.jobId}` },
                      job.brief.length > 120 ? `${job.brief.slice(0, 117)}…` : job.brief || job.jobId,
                    ),
                    h(
                      'p',
                      { class: 'meta' },
                      h('span', { class: `status status-${job.status}` }, job.status),
                      ` ${Math.round(job.percent)} % · ${formatTime(job.createdAt)} · ${job.fallbackPolicy}`,
                      Object.keys(job.requestedProviders).length
                        ? ` · ${Object.entries(job.requestedProviders)
                            .map(([k, v]) => `${k}: ${v}`)
                            .join(', ')}`
                        : '',
                    ),
                  ),
                ),
              )
            : null,
        );
      },
      (error: unknown) => {
        results.setAttribute('aria-busy', 'false');
        if (isAuthError(error)) return onAuthError();
        replace(results, h('p', { role: 'alert' }, `Jobs could not be loaded: ${describeError(error)}`));
      },
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });

  replace(main, h('h1', {}, 'Jobs'), form, results);
  session.client.listProviders({ signal: abort.signal }).then(
    (r) => {
      for (const p of r.providers)
        provider.append(h('option', { value: p.id }, `${p.displayName} (${p.kind})`));
    },
    () => {},
  );
  load();
  return () => abort.abort();
};
