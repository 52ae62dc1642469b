import { z } from 'zod';

const ms = z.number().int().min(0);

/** Where a hedge goes: the same deployment on a fresh request, or the best alternative. */
export const HEDGE_TARGETS = ['same', 'alternative'] as const;

/** One of {@link HEDGE_TARGETS}. */
export type HedgeTarget = (typeof HEDGE_TARGETS)[number];

/**
 * Hedge settings of one scope (default, a stage, a model group, a job, a request); every field
 * optional so that a narrower scope overrides only what it names. See docs/hedging.md.
 */
export const HedgeSettingsSchema = z
  .object({
    /** Hedge calls of this scope. @default false (opt-in) */
    enabled: z.boolean().optional(),
    /** Fixed hedge delay in ms; absent = the provider's measured p95 time to first token. */
    afterMs: ms.optional(),
    /** `same` = the same deployment again (default); `alternative` = the selection engine's best other provider. */
    hedgeTo: z.enum(HEDGE_TARGETS).optional(),
    /** Delay used while fewer than `minSamples` first-token times are known. @default 2000 */
    fallbackDelayMs: ms.optional(),
    /** First-token samples needed before the measured p95 is used. @default 10 */
    minSamples: z.number().int().min(1).optional(),
    /** Lower bound of a measured delay. @default 100 */
    minDelayMs: ms.optional(),
    /** Upper bound of a measured delay (a provider slow half the time has a useless p95). @default 10000 */
    maxDelayMs: ms.optional(),
  })
  .strict();

/** Settings of one scope as written. */
export type HedgeSettingsInput = z.input<typeof HedgeSettingsSchema>;

/** The `hedging` section of the config file: a default and overrides per stage and per model group. */
export const HedgingConfigSchema = z
  .object({
    /** Applies to every call unless a narrower scope says otherwise. */
    default: HedgeSettingsSchema.optional(),
    /** Per pipeline stage (`script`, `narration`, …). */
    stages: z.record(z.string().min(1), HedgeSettingsSchema).optional(),
    /** Per model group of the OpenAI-compatible endpoint. */
    modelGroups: z.record(z.string().min(1), HedgeSettingsSchema).optional(),
  })
  .strict();

/** The `hedging` section as written. */
export type HedgingConfigInput = z.input<typeof HedgingConfigSchema>;

/** Settings after every scope is merged and defaults are applied. */
export interface ResolvedHedgeSettings {
  readonly enabled: boolean;
  readonly afterMs: number | undefined;
  readonly hedgeTo: HedgeTarget;
  readonly fallbackDelayMs: number;
  readonly minSamples: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

/** Defaults of every hedge setting (hedging is off unless a scope enables it). */
export const HEDGE_DEFAULTS: ResolvedHedgeSettings = Object.freeze({
  enabled: false,
  afterMs: undefined,
  hedgeTo: 'same',
  fallbackDelayMs: 2000,
  minSamples: 10,
  minDelayMs: 100,
  maxDelayMs: 10_000,
});

/** Where a call stands, to pick its scopes. */
export interface HedgeScope {
  readonly stage?: string;
  readonly modelGroup?: string;
  /** The job's own settings (job options). */
  readonly job?: HedgeSettingsInput;
  /** The request's own settings (e.g. the `x-reelay-hedge` header). */
  readonly request?: HedgeSettingsInput;
}

/**
 * Merges the scopes, broadest first: config default → model group → stage → job → request; a
 * narrower scope overrides the fields it sets. Setting `afterMs` in a scope also enables hedging
 * there unless the same scope says `enabled: false`.
 */
export function resolveHedgeSettings(
  config: HedgingConfigInput | undefined,
  scope: HedgeScope,
): ResolvedHedgeSettings {
  const layers: Array<HedgeSettingsInput | undefined> = [
    config?.default,
    scope.modelGroup === undefined ? undefined : config?.modelGroups?.[scope.modelGroup],
    scope.stage === undefined ? undefined : config?.stages?.[scope.stage],
    scope.job,
    scope.request,
  ];
  let merged: ResolvedHedgeSettings = HEDGE_DEFAULTS;
  for (const layer of layers) {
    if (!layer) continue;
    const enabled = layer.enabled ?? (layer.afterMs !== undefined ? true : merged.enabled);
    merged = {
      enabled,
      afterMs: layer.afterMs ?? merged.afterMs,
      hedgeTo: layer.hedgeTo ?? merged.hedgeTo,
      fallbackDelayMs: layer.fallbackDelayMs ?? merged.fallbackDelayMs,
      minSamples: layer.minSamples ?? merged.minSamples,
      minDelayMs: layer.minDelayMs ?? merged.minDelayMs,
      maxDelayMs: layer.maxDelayMs ?? merged.maxDelayMs,
    };
  }
  return merged;
}
