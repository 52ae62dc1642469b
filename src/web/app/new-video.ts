import { ReelayApiError } from '../../client/api-error.js';
import { describeError, isAuthError } from './api.js';
import { announce, h, replace } from './dom.js';
import { field, num, select, showFieldErrors } from './form-fields.js';
import { PROVIDER_KINDS, policyField, providerField } from './provider-choice-fields.js';
import { requestFromForm } from './video-request-form.js';
import type { View } from './view.js';

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
        PROVIDER_KINDS.map(({ kind, label }) => providerField(kind, label, providers)),
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
