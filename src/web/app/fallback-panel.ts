import type { AlternativeOption } from '../../domain/events.js';
import type { ProviderInfo } from '../../jobs/reelay-service.js';
import { h } from './dom.js';
import { breakerText, healthText } from './provider-labels.js';

function breakdown(info: ProviderInfo | undefined): HTMLElement | null {
  const components = info?.score?.components;
  if (!components) return null;
  return h(
    'dl',
    { class: 'breakdown', 'aria-label': 'Weighted score components now' },
    h('dt', { class: 'breakdown-title' }, 'Score now:'),
    h('dd', {}, ''),
    Object.entries(components).map(([name, value]) => [h('dt', {}, name), h('dd', {}, value.toFixed(1))]),
  );
}

/**
 * The ranked alternatives with their scores, reasons and score components (from the providers
 * list); with `radioName` each is a radio button (the first is pre-selected).
 */
export function alternativesList(
  alternatives: readonly AlternativeOption[],
  providers: readonly ProviderInfo[],
  radioName?: string,
): HTMLElement {
  return h(
    'ol',
    { class: 'alternatives-list' },
    alternatives.map((alt, index) => {
      const info = providers.find((p) => p.id === alt.provider);
      const title = [
        h('strong', {}, alt.provider),
        ` — score ${Math.round(alt.score)}/100`,
        info ? h('span', { class: 'hint' }, ` (${healthText(info)}, ${breakerText(info)})`) : null,
      ];
      return h(
        'li',
        {},
        radioName
          ? h(
              'label',
              { class: 'choice' },
              h('input', { type: 'radio', name: radioName, value: alt.provider, checked: index === 0 }),
              h('span', {}, title),
            )
          : h('p', {}, title),
        alt.reasons.length
          ? h(
              'ul',
              { class: 'reasons' },
              alt.reasons.map((r) => h('li', {}, r)),
            )
          : null,
        breakdown(info),
      );
    }),
  );
}
