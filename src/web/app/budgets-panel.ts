import type { BudgetsView, BudgetView } from '../../jobs/reelay-service.js';
import { h } from './dom.js';

const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 4 : 2)}`;

function budgetName(b: BudgetView): string {
  if (b.scope === 'job') return b.subject === null ? 'Per job (limit)' : `Job ${b.subject}`;
  return `${b.subject ?? ''} · ${b.period === 'day' ? 'today (UTC)' : 'this month (UTC)'}`;
}

function budgetRow(b: BudgetView, index: number): HTMLElement {
  const id = `budget-${index}`;
  const share = b.limitUsd > 0 ? b.spentUsd / b.limitUsd : 0;
  const level = share >= 1 ? 'bad' : share >= 0.8 ? 'warn' : 'good';
  const text = `${usd(b.spentUsd)} of ${usd(b.limitUsd)} spent · ${usd(b.remainingUsd)} remaining`;
  return h(
    'li',
    { class: `budget ${level}`, 'data-scope': b.scope },
    h('label', { for: id }, budgetName(b)),
    h(
      'meter',
      {
        id,
        min: 0,
        max: b.limitUsd,
        low: b.limitUsd * 0.8,
        high: b.limitUsd * 0.99,
        optimum: 0,
        value: Math.min(b.spentUsd, b.limitUsd),
        'aria-valuetext': text,
      },
      text,
    ),
    h('span', { class: 'budget-text' }, text),
  );
}

/** The "Spend and budgets" panel: each configured limit as a spent / limit bar, and spend per provider. */
export function budgetsPanel(view: BudgetsView): HTMLElement {
  const spent = view.spend.filter((s) => s.monthUsd > 0);
  return h(
    'section',
    { class: 'card budgets', 'aria-labelledby': 'budgets-h' },
    h('h2', { id: 'budgets-h' }, 'Spend and budgets'),
    view.budgets.length === 0
      ? h('p', { class: 'hint' }, 'No budgets are configured (budgets in the configuration file).')
      : h('ul', { class: 'budget-list' }, view.budgets.map(budgetRow)),
    h(
      'table',
      { class: 'spend' },
      h('caption', {}, 'Spend per provider (UTC)'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Provider'),
          h('th', { scope: 'col' }, 'Today'),
          h('th', { scope: 'col' }, 'This month'),
        ),
      ),
      h(
        'tbody',
        {},
        spent.length === 0
          ? h('tr', {}, h('td', { colspan: 3 }, 'Nothing spent this month.'))
          : spent.map((s) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, s.provider),
                h('td', {}, usd(s.dayUsd)),
                h('td', {}, usd(s.monthUsd)),
              ),
            ),
      ),
    ),
  );
}
