/** Provider types of the timeout-profile file; each has its own patience thresholds. */
export const PROVIDER_TYPES = [
  'local_llm',
  'cloud_llm',
  'tts',
  'image_gen',
  'video_render',
  'fallback_provider',
] as const;

/** One of {@link PROVIDER_TYPES}. */
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** The kinds of work a provider does, one per pipeline stage that calls providers. */
export const PROVIDER_KINDS = ['llm', 'tts', 'image', 'video'] as const;

/** One of {@link PROVIDER_KINDS}. */
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
