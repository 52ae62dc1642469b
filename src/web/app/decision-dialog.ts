import type { StallOption } from '../../domain/fallback.js';
import type { ProviderInfo } from '../../jobs/reelay-service.js';
import { describeError, type Session } from './api.js';
import { announce, h, replace } from './dom.js';
import { alternativesList } from './fallback-panel.js';
import type { PendingDecision } from './job-view-state.js';
import { stallOptionView } from './latency-states.js';

/** The stall and error dialog: a modal `<dialog>` answering the pending decision through the API. */
export class DecisionDialog {
  readonly element: HTMLDialogElement;
  private readonly body: HTMLElement;
  private decision: PendingDecision | null = null;
  /** Decisions the user chose to answer later: not reopened by themselves. */
  private readonly deferred = new Set<string>();

  constructor(
    private readonly session: Session,
    private readonly jobId: string,
    private readonly providers: () => ProviderInfo[],
  ) {
    this.body = h('div', {});
    this.element = h('dialog', { class: 'decision', 'aria-labelledby': 'decision-title' }, this.body);
    this.element.addEventListener('cancel', () => this.later());
  }

  /** Shows the dialog for `decision` (unless the user deferred it and `force` is false); hides it for null. */
  update(decision: PendingDecision | null, force = false): void {
    if (!decision) {
      this.decision = null;
      if (this.element.open) this.element.close();
      return;
    }
    if (this.decision?.decisionId === decision.decisionId && this.element.open) return;
    if (!force && this.deferred.has(decision.decisionId)) return;
    this.decision = decision;
    this.choose();
    if (!this.element.open) this.element.showModal();
    this.element.querySelector<HTMLElement>('button')?.focus();
  }

  private later(): void {
    if (this.decision) this.deferred.add(this.decision.decisionId);
    if (this.element.open) this.element.close();
    announce('Decision deferred: use “Answer decision” in the status drawer.');
  }

  private choose(error = ''): void {
    const d = this.decision;
    if (!d) return;
    const stalled = d.trigger === 'stall';
    const picker = alternativesList(d.alternatives, this.providers(), 'decision-alt');
    const buttons = d.options.map((option) =>
      h(
        'button',
        {
          type: 'button',
          class: option === 'cancel_job' ? 'danger' : option === 'try_alternative' ? 'primary' : '',
          'data-option': option,
          onclick: () => this.pick(option, picker),
        },
        stallOptionView(option).label,
      ),
    );
    replace(
      this.body,
      h('h2', { id: 'decision-title' }, stalled ? 'The provider seems stalled' : 'The provider failed'),
      h(
        'p',
        {},
        stalled
          ? `${d.provider} has made no progress on the ${d.stage} stage for a while. Keep waiting, or switch?`
          : `${d.provider} failed on the ${d.stage} stage: ${d.error?.message ?? 'unknown error'}`,
      ),
      d.alternatives.length
        ? h('fieldset', { class: 'alternatives' }, h('legend', {}, 'Ranked alternatives'), picker)
        : h('p', {}, 'No alternative provider is available for this stage.'),
      error ? h('p', { class: 'field-error', role: 'alert' }, error) : null,
      h('div', { class: 'actions' }, buttons),
      h('button', { type: 'button', class: 'link', onclick: () => this.later() }, 'Decide later'),
    );
  }

  private pick(option: StallOption, picker: HTMLElement): void {
    const d = this.decision;
    if (!d) return;
    const provider =
      option === 'try_alternative'
        ? (picker.querySelector<HTMLInputElement>('input:checked')?.value ?? d.alternatives[0]?.provider)
        : undefined;
    if (!stallOptionView(option).confirm) {
      this.send(option, provider);
      return;
    }
    const question =
      option === 'cancel_job'
        ? 'Cancel this job? The work done so far is kept on the server but no video will be made.'
        : `Switch the ${d.stage} stage from ${d.provider} to ${provider}? The job continues with ${provider}.`;
    replace(
      this.body,
      h('h2', { id: 'decision-title' }, 'Please confirm'),
      h('p', {}, question),
      h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: option === 'cancel_job' ? 'danger' : 'primary',
            'data-confirm': option,
            onclick: () => this.send(option, provider),
          },
          option === 'cancel_job' ? 'Yes, cancel the job' : `Yes, switch to ${provider}`,
        ),
        h('button', { type: 'button', onclick: () => this.choose() }, 'Back'),
      ),
    );
    this.body.querySelector<HTMLElement>('button')?.focus();
  }

  private send(option: StallOption, provider: string | undefined): void {
    const d = this.decision;
    if (!d) return;
    this.body.querySelectorAll('button').forEach((b) => {
      b.disabled = true;
    });
    this.session.client
      .answerDecision(this.jobId, { option, decisionId: d.decisionId, ...(provider ? { provider } : {}) })
      .then(
        () => {
          announce(`Answer sent: ${stallOptionView(option).label}${provider ? ` (${provider})` : ''}.`);
          this.decision = null;
          if (this.element.open) this.element.close();
        },
        (error: unknown) => this.choose(`The answer was not accepted: ${describeError(error)}`),
      );
  }
}
