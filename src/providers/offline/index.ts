import type { Clock } from '../../domain/clock.js';
import type { Provider } from '../../domain/provider.js';
import { type TitleCardOptions, TitleCardProvider } from '../image/title-card.js';
import { TemplateWriter, type TemplateWriterOptions } from '../llm/template-writer.js';
import { type CaptionsOnlyOptions, CaptionsOnlyProvider } from '../tts/captions-only.js';
import { type EspeakOptions, EspeakProvider } from '../tts/espeak.js';

export * from '../image/title-card.js';
export * from '../image/title-card-layout.js';
export * from '../llm/template-writer.js';
export * from '../llm/template-writer-brief.js';
export * from '../llm/template-writer-sizing.js';
export * from '../tts/captions-only.js';
export * from '../tts/espeak.js';
export * from '../tts/espeak-voices.js';
export * from '../tts/wav.js';

/** Options of {@link createOfflineProviders}: per-provider options plus a shared clock. */
export interface OfflineProvidersOptions {
  /** Clock shared by every provider unless its own options name one. @default systemClock */
  clock?: Clock;
  template?: TemplateWriterOptions;
  espeak?: EspeakOptions;
  captionsOnly?: CaptionsOnlyOptions;
  titleCard?: TitleCardOptions;
}

/** The offline providers, by role. */
export interface OfflineProviders {
  /** Script writer (`template`, RuleBased). */
  template: TemplateWriter;
  /** Narration (`espeak`). */
  espeak: EspeakProvider;
  /** Last-resort silent narration (`captions-only`). */
  captionsOnly: CaptionsOnlyProvider;
  /** Scene images (`title-card`). */
  titleCard: TitleCardProvider;
  /** All four, for `new ProviderRegistry(offline.all)`. */
  all: Provider[];
}

/**
 * Creates every offline provider: the template script writer, espeak-ng narration, captions-only
 * narration and FFmpeg title cards. None needs a network or a key.
 *
 * @example
 * const offline = createOfflineProviders({ espeak: { defaultVoice: 'en-gb' } });
 * const registry = new ProviderRegistry(offline.all);
 */
export function createOfflineProviders(options: OfflineProvidersOptions = {}): OfflineProviders {
  const clock = options.clock;
  const withClock = <T extends { clock?: Clock }>(o: T | undefined): T =>
    ({ ...(clock ? { clock } : {}), ...(o ?? {}) }) as T;
  const template = new TemplateWriter(withClock(options.template));
  const espeak = new EspeakProvider(withClock(options.espeak));
  const captionsOnly = new CaptionsOnlyProvider(withClock(options.captionsOnly));
  const titleCard = new TitleCardProvider(withClock(options.titleCard));
  return { template, espeak, captionsOnly, titleCard, all: [template, espeak, captionsOnly, titleCard] };
}
