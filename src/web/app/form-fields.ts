import type { ReelayApiError } from '../../client/api-error.js';
import { h, replace } from './dom.js';

/** A form control that a {@link field} can label. */
export type FieldInput = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A labelled field with its hint and its error line, wired for screen readers. */
export function field(name: string, label: string, input: FieldInput, hint = ''): HTMLElement {
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

/** A `<select>` of `[value, text]` options with `value` selected. */
export function select(options: Array<[string, string]>, value: string): HTMLSelectElement {
  const el = h('select', {});
  for (const [v, text] of options) el.append(h('option', { value: v, selected: v === value }, text));
  return el;
}

/** A number input with its bounds and step. */
export function num(value: string, min: number, max: number, step: number): HTMLInputElement {
  return h('input', { type: 'number', inputmode: 'decimal', value, min, max, step });
}

/** The named input's number; undefined when it is empty. */
export function optionalNumber(form: HTMLFormElement, name: string): number | undefined {
  const value = (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';
  return value === '' ? undefined : Number(value);
}

/** The named control's value, trimmed; '' when there is none. */
export function text(form: HTMLFormElement, name: string): string {
  return ((form.elements.namedItem(name) as FieldInput | null)?.value ?? '').trim();
}

/** Whether the named checkbox is checked. */
export function checked(form: HTMLFormElement, name: string): boolean {
  return (form.elements.namedItem(name) as HTMLInputElement | null)?.checked === true;
}

/**
 * Shows a server validation error: each field's message on its error line (the field marked
 * invalid), the rest in `summary`, and focus on the first invalid field (else the summary).
 */
export function showFieldErrors(form: HTMLFormElement, error: ReelayApiError, summary: HTMLElement): void {
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
