import type { Clock } from '../../domain/clock.js';
import type { Provider } from '../../domain/provider.js';
import { type TitleCardOptions, TitleCardProvider } from '../image/title-card.js';
import { TemplateWriter, type TemplateWriterOptions } from '../llm/template-writer.js';
import { type CaptionsOnlyOptions, CaptionsOnlyProvider } from '../tts/captions-only.js';
import { type EspeakOptions, EspeakProvider } from '../tts/espeak.js';
import { type FestivalOptions, FestivalProvider } from '../tts/festival.js';
import { type FliteOptions, FliteProvider } from '../tts/flite.js';

export * from '../image/title-card.js';
export * from '../image/title-card-layout.js';
export * from '../llm/template-writer.js';
export * from '../llm/template-writer-brief.js';
export * from '../llm/template-writer-sizing.js';
export * from '../tts/captions-only.js';
export * from '../tts/command-tts.js';
export * from '../tts/espeak.js';
export * from '../tts/espeak-voices.js';
export * from '../tts/festival.js';
export * from '../tts/flite.js';
export * from '../tts/offline-voices.js';
export * from '../tts/wav.js';

/** The offline narration engines. */
export type OfflineVoiceEngine = 'festival' | 'flite' | 'espeak';

/** Options of {@link createOfflineProviders}: per-provider options plus a shared clock. */
export interface OfflineProvidersOptions {
  /** Clock shared by every provider unless its own options name one. @default systemClock */
  clock?: Clock;
  template?: TemplateWriterOptions;
  /**
   * Which offline voices to register, in any order (their priorities rank them). Leaving one out
   * keeps it out of routing entirely (e.g. a deployment that wants only espeak-ng's languages).
   * @default ['festival', 'flite', 'espeak']
   */
  narration?: readonly OfflineVoiceEngine[];
  festival?: FestivalOptions;
  flite?: FliteOptions;
  espeak?: EspeakOptions;
  captionsOnly?: CaptionsOnlyOptions;
  titleCard?: TitleCardOptions;
}

/** The offline providers, by role. */
export interface OfflineProviders {
  /** Script writer (`template`, RuleBased). */
  template: TemplateWriter;
  /** Narration, first choice offline (`festival`, HTS voice; priority 3). */
  festival: FestivalProvider;
  /** Narration, second choice offline (`flite`; priority 3.5). */
  flite: FliteProvider;
  /** Narration, third choice offline (`espeak`; priority 4, any language). */
  espeak: EspeakProvider;
  /** Last-resort silent narration (`captions-only`). */
  captionsOnly: CaptionsOnlyProvider;
  /** Scene images (`title-card`). */
  titleCard: TitleCardProvider;
  /** All registered ones (the voices named by `narration`), for `new ProviderRegistry(offline.all)`. */
  all: Provider[];
}

/**
 * Creates every offline provider: the template script writer, narration by festival (HTS voice),
 * flite and espeak-ng — ranked by priority in that order, the order of their intelligibility —
 * captions-only narration as the last resort, and FFmpeg title cards. None needs a network or a
 * key; a narration engine that is not installed reports unhealthy and fails fast, so the next
 * one serves.
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
  const festival = new FestivalProvider(withClock(options.festival));
  const flite = new FliteProvider(withClock(options.flite));
  const espeak = new EspeakProvider(withClock(options.espeak));
  const captionsOnly = new CaptionsOnlyProvider(withClock(options.captionsOnly));
  const titleCard = new TitleCardProvider(withClock(options.titleCard));
  const wanted = new Set(options.narration ?? ['festival', 'flite', 'espeak']);
  const voices = [festival, flite, espeak].filter((p) => wanted.has(p.id as OfflineVoiceEngine));
  return {
    template,
    festival,
    flite,
    espeak,
    captionsOnly,
    titleCard,
    all: [template, ...voices, captionsOnly, titleCard],
  };
}
