import { numberValue, stringValue } from '../arg-parser.js';
import type { ParsedArgs } from '../command-spec.js';

/**
 * The generation request of `reelay generate`'s arguments; only given flags are set, the service
 * validates the whole and applies its defaults.
 */
export function requestFromArgs(args: ParsedArgs): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const aspect = stringValue(args, 'aspect');
  if (aspect) options.aspect = aspect;
  for (const name of ['pacing', 'language', 'music'] as const) {
    const value = stringValue(args, name);
    if (value) options[name] = value;
  }
  const width = numberValue(args, 'width', { integer: true });
  if (width !== undefined) options.width = width;
  const height = numberValue(args, 'height', { integer: true });
  if (height !== undefined) options.height = height;
  const fps = numberValue(args, 'fps', { integer: true });
  if (fps !== undefined) options.fps = fps;
  if (args.values['no-motion'] === true) options.motion = false;
  if (args.values['no-subtitles'] === true) options.subtitles = false;
  const providers: Record<string, string> = {};
  for (const [flag, kind] of [
    ['llm', 'llm'],
    ['tts', 'tts'],
    ['images', 'image'],
    ['video', 'video'],
  ] as const) {
    const id = stringValue(args, flag);
    if (id) providers[kind] = id;
  }
  const request: Record<string, unknown> = { brief: args.positionals[0] ?? '' };
  const duration = numberValue(args, 'duration');
  if (duration !== undefined) request.durationMinutes = duration;
  const voice = stringValue(args, 'voice');
  if (voice) request.voiceId = voice;
  const style = stringValue(args, 'style');
  if (style) request.style = style;
  const fallback = stringValue(args, 'fallback');
  if (fallback) request.fallbackPolicy = fallback;
  if (Object.keys(options).length > 0) request.options = options;
  if (Object.keys(providers).length > 0) request.providers = providers;
  return request;
}
