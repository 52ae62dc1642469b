import type { ProviderInfo } from '../../jobs/reelay-service.js';
import { type Child, h } from './dom.js';
import { field, select } from './form-fields.js';
import { breakerText, healthText } from './provider-labels.js';

/** The provider kinds a job chooses, one form field each, in pipeline order. */
export const PROVIDER_KINDS = [
  { kind: 'llm', label: 'Script (language model)' },
  { kind: 'tts', label: 'Narration (text to speech)' },
  { kind: 'image', label: 'Visuals (images)' },
  { kind: 'video', label: 'Render (video)' },
] as const;

/** The provider choice of one kind (`providers.<kind>`), with each provider's health and breaker. */
export function providerField(kind: string, label: string, providers: ProviderInfo[]): HTMLElement {
  const mine = providers.filter((p) => p.kind === kind);
  const options: Array<[string, string]> = [['', 'Automatic (best score)']];
  for (const p of mine) options.push([p.id, `${p.displayName} — ${healthText(p)}, ${breakerText(p)}`]);
  const status: Child = mine.length
    ? h(
        'ul',
        { class: 'provider-status' },
        mine.map((p) =>
          h(
            'li',
            {},
            h('span', {
              class: `dot ${p.health ? (p.health.healthy ? 'good' : 'bad') : 'unknown'}`,
              'aria-hidden': 'true',
            }),
            `${p.id}: ${healthText(p)} · `,
            h('span', { class: `breaker breaker-${p.breaker.state}` }, breakerText(p)),
          ),
        ),
      )
    : h('p', { class: 'hint' }, 'No provider of this kind is registered.');
  const wrap = field(`providers.${kind}`, label, select(options, ''));
  wrap.append(status);
  return wrap;
}

/** The fallback policy choice (ask, automatic, off), automatic by default. */
export function policyField(): HTMLElement {
  const choices = [
    ['ask', 'Ask me', 'Pause on a stall or a provider failure and let me choose.'],
    ['auto', 'Automatic', 'Switch to the best healthy alternative by itself.'],
    ['off', 'Off', 'Fail the stage with a clear error.'],
  ] as const;
  return h(
    'fieldset',
    { class: 'field', 'data-field': 'fallbackPolicy', 'aria-describedby': 'f-fallbackPolicy-error' },
    h('legend', {}, 'When a provider stalls or fails'),
    choices.map(([value, label, hint]) =>
      h(
        'label',
        { class: 'choice' },
        h('input', { type: 'radio', name: 'fallbackPolicy', value, checked: value === 'auto' }),
        h('span', {}, h('strong', {}, label), ` — ${hint}`),
      ),
    ),
    h('p', { class: 'field-error', id: 'f-fallbackPolicy-error' }),
  );
}
