import { ReelayApiError } from '../../client/api-error.js';
import type { ProviderInfo } from '../../jobs/reelay-service.js';
import { describeError, isAuthError } from './api.js';
import { announce, type Child, h, replace } from './dom.js';
import { breakerText, healthText } from './provider-labels.js';
import type { View } from './view.js';

const KINDS = [
  { kind: 'llm', label: 'Script (language model)' },
  { kind: 'tts', label: 'Narration (text to speech)' },
  { kind: 'image', label: 'Visuals (images)' },
  { kind: 'video', label: 'Render (video)' },
] as const;

type FieldInput = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A labelled field with its hint and its error line, wired for screen readers. */
function field(name: string, label: string, input: FieldInput, hint = ''): HTMLElement {
  const id = `f-${name.replace(/\./g, '-')}`;
  input.id = id;
  input.name = name;
  const describedBy = [hint ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  return h(
    'div',
    { class: 'field', 'data-field': name },
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
    input,
    h('p', { class: 'field-error', id: `${id}-error` }),
  );
}

function select(options: Array<[string, string]>, value: string): HTMLSelectElement {
  const el = h('select', {});
  for (const [v, text] of options) el.append(h('option', { value: v, selected: v === value }, text));
  return el;
}

function num(value: string, min: number, max: number, step: number): HTMLInputElement {
  return h('input', { type: 'number', inputmode: 'decimal', value, min, max, step });
}

function providerField(kind: string, label: string, providers: ProviderInfo[]): HTMLElement {
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

function optionalNumber(form: HTMLFormElement, name: string): number | undefined {
  const value = (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';
  return value === '' ? undefined : Number(value);
}

function text(form: HTMLFormElement, name: string): string {
  return ((form.elements.namedItem(name) as FieldInput | null)?.value ?? '').trim();
}

function checked(form: HTMLFormElement, name: string): boolean {
  return (form.elements.namedItem(name) as HTMLInputElement | null)?.checked === true;
}

/** The request body from the form; empty optional fields are left out so the server's defaults apply. */
export function requestFromForm(form: HTMLFormElement): Record<string, unknown> {
  const providers: Record<string, string> = {};
  for (const { kind } of KINDS) {
    const v = text(form, `providers.${kind}`);
    if (v) providers[kind] = v;
  }
  const options: Record<string, unknown> = {
    aspect: text(form, 'options.aspect'),
    pacing: text(form, 'options.pacing'),
    density: text(form, 'options.density'),
    motion: checked(form, 'options.motion'),
    subtitles: checked(form, 'options.subtitles'),
  };
  for (const name of ['width', 'height', 'fps']) {
    const v = optionalNumber(form, `options.${name}`);
    if (v !== undefined) options[name] = v;
  }
  const music = text(form, 'options.music');
  if (music) options.music = music;
  const voiceId = text(form, 'voiceId');
  const style = text(form, 'style');
  const policy =
    form.querySelector<HTMLInputElement>('input[name="fallbackPolicy"]:checked')?.value ?? 'auto';
  return {
    brief: text(form, 'brief'),
    durationMinutes: optionalNumber(form, 'durationMinutes') ?? 1,
    ...(style ? { style } : {}),
    ...(voiceId ? { voiceId } : {}),
    options,
    providers,
    fallbackPolicy: policy,
  };
}

function policyField(): HTMLElement {
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

function showFieldErrors(form: HTMLFormElement, error: ReelayApiError, summary: HTMLElement): void {
  let first: HTMLElement | null = null;
  const unplaced: string[] = [];
  for (const f of error.fields) {
    const wrap = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(f.field)}"]`);
    const line = wrap?.querySelector('.field-error');
    if (!wrap || !line) {
      unplaced.push(`${f.field}: ${f.message}`);
      continue;
    }
    line.textContent = f.message;
    const input = wrap.querySelector<HTMLElement>('input, select, textarea');
    input?.setAttribute('aria-invalid', 'true');
    first ??= input;
  }
  replace(
    summary,
    h('p', {}, error.fields.length ? 'Please correct the highlighted fields.' : error.detail),
    unplaced.length
      ? h(
          'ul',
          {},
          unplaced.map((u) => h('li', {}, u)),
        )
      : null,
  );
  summary.hidden = false;
  (first ?? summary).focus();
}

/** The "New video" page: the generation form. */
export const renderNewVideo: View = ({ session, main, onAuthError }) => {
  const abort = new AbortController();
  const providersBox = h(
    'div',
    { class: 'providers-fields' },
    h('p', { class: 'hint' }, 'Loading providers…'),
  );
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Generate video');
  const form = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'new-title' },
    summary,
    field(
      'brief',
      'Brief',
      h('textarea', { rows: 5, maxlength: 5000 }),
      'What the video should explain, in 10 to 5000 characters.',
    ),
    h(
      'div',
      { class: 'grid' },
      field('durationMinutes', 'Duration (minutes)', num('1', 0.05, 10, 0.05)),
      field(
        'options.aspect',
        'Aspect',
        select(
          [
            ['16:9', '16:9 widescreen'],
            ['9:16', '9:16 portrait'],
            ['1:1', '1:1 square'],
          ],
          '16:9',
        ),
      ),
      field(
        'options.pacing',
        'Pacing',
        select(
          [
            ['chill', 'Chill'],
            ['conversational', 'Conversational'],
            ['fast', 'Fast'],
          ],
          'conversational',
        ),
      ),
      field('style', 'Style', h('input', { type: 'text', value: 'informative', maxlength: 100 })),
      field(
        'voiceId',
        'Voice',
        h('input', { type: 'text', maxlength: 200 }),
        'A voice id of the narration provider; empty for its default.',
      ),
      field(
        'options.music',
        'Music',
        h('input', { type: 'text', maxlength: 120 }),
        'A file name in the server’s music folder, e.g. calm.mp3; empty for none.',
      ),
    ),
    h('h2', {}, 'Providers'),
    providersBox,
    policyField(),
    h(
      'details',
      { class: 'advanced' },
      h('summary', {}, 'Advanced output settings'),
      h(
        'div',
        { class: 'grid' },
        field('options.width', 'Width (px)', num('', 320, 7680, 2), 'Empty for the aspect’s default.'),
        field('options.height', 'Height (px)', num('', 240, 4320, 2), 'Empty for the aspect’s default.'),
        field('options.fps', 'Frames per second', num('', 15, 60, 1)),
        field(
          'options.density',
          'Scene density',
          select(
            [
              ['sparse', 'Sparse'],
              ['balanced', 'Balanced'],
              ['dense', 'Dense'],
            ],
            'balanced',
          ),
        ),
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'checkbox', name: 'options.motion', checked: true }),
          'Camera motion',
        ),
        h(
          'label',
          { class: 'choice' },
          h('input', { type: 'checkbox', name: 'options.subtitles', checked: true }),
          'Subtitles',
        ),
      ),
    ),
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    form.querySelectorAll('.field-error').forEach((line) => {
      line.textContent = '';
    });
    form.querySelectorAll('[aria-invalid]').forEach((el) => {
      el.removeAttribute('aria-invalid');
    });
    summary.hidden = true;
    submit.disabled = true;
    announce('Submitting…');
    session.client.generateVideo(requestFromForm(form)).then(
      (created) => {
        location.hash = `#/jobs/${created.jobId}`;
      },
      (error: unknown) => {
        submit.disabled = false;
        if (isAuthError(error)) return onAuthError();
        if (ReelayApiError.isInstance(error)) showFieldErrors(form, error, summary);
        else {
          replace(summary, h('p', {}, describeError(error)));
          summary.hidden = false;
          summary.focus();
        }
      },
    );
  });

  replace(main, h('h1', { id: 'new-title' }, 'New video'), form);

  session.client.listProviders({ signal: abort.signal }).then(
    ({ providers }) =>
      replace(
        providersBox,
        KINDS.map(({ kind, label }) => providerField(kind, label, providers)),
      ),
    (error: unknown) => {
      if (abort.signal.aborted) return;
      if (isAuthError(error)) return onAuthError();
      replace(
        providersBox,
        h('p', { role: 'alert' }, `Providers could not be loaded: ${describeError(error)}`),
      );
    },
  );
  return () => abort.abort();
};
