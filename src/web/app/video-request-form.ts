import { checked, optionalNumber, text } from './form-fields.js';
import { PROVIDER_KINDS } from './provider-choice-fields.js';

/** The request body from the form; empty optional fields are left out so the server's defaults apply. */
export function requestFromForm(form: HTMLFormElement): Record<string, unknown> {
  const providers: Record<string, string> = {};
  for (const { kind } of PROVIDER_KINDS) {
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
