import { z } from 'zod';
import { PROVIDER_TYPES, type ProviderType } from '../domain/provider-type.js';

const ms = (what: string) =>
  z
    .number({ error: `expected ${what} as a positive number of milliseconds` })
    .positive({ error: `expected ${what} to be a positive number of milliseconds` })
    .finite();

const multiplier = (what: string) =>
  z
    .number({ error: `expected ${what} as a positive number` })
    .positive({ error: `expected ${what} to be greater than 0` })
    .finite();

/** Thresholds of one provider type, before a patience profile is applied. */
export const ProviderTypeProfileSchema = z
  .strictObject({
    description: z.string().optional(),
    normalMs: ms('normalMs'),
    extendedMs: ms('extendedMs'),
    deepWaitMs: ms('deepWaitMs'),
    heartbeatIntervalMs: ms('heartbeatIntervalMs'),
    stallMultiplier: multiplier('stallMultiplier'),
  })
  .superRefine((p, ctx) => {
    if (p.extendedMs <= p.normalMs)
      ctx.addIssue({
        code: 'custom',
        path: ['extendedMs'],
        message: `expected extendedMs greater than normalMs (${p.normalMs}), got ${p.extendedMs}`,
      });
    if (p.deepWaitMs < p.extendedMs)
      ctx.addIssue({
        code: 'custom',
        path: ['deepWaitMs'],
        message: `expected deepWaitMs at least extendedMs (${p.extendedMs}), got ${p.deepWaitMs}`,
      });
  });

/** A patience profile: multiplies the time thresholds and the stall multiplier. */
export const PatienceProfileSchema = z.strictObject({
  label: z.string().min(1, { error: 'expected a non-empty label' }),
  timeoutMultiplier: multiplier('timeoutMultiplier'),
  stallMultiplier: multiplier('stallMultiplier'),
});

const continueOption = z.strictObject({
  label: z.string().min(1),
  extensionMs: ms('extensionMs'),
  requiresConfirmation: z.boolean(),
});

const confirmOption = z.strictObject({
  label: z.string().min(1),
  requiresConfirmation: z.boolean(),
  offersPartialArtifacts: z.boolean().optional(),
});

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'expected a colour like "#0078d4"' });

const uiState = z.strictObject({
  label: z.string().min(1),
  color,
  showFallbackButton: z.boolean().optional(),
  openFallbackPanel: z.boolean().optional(),
});

const providerTypeEnum = z.enum(PROVIDER_TYPES, {
  error: `expected one of ${PROVIDER_TYPES.join(', ')}`,
});

/**
 * The timeout-profile file (`config/timeout-profiles.json`): thresholds per provider type,
 * patience profiles, provider → type mapping, stall dialog options, UI states and check interval.
 * Unknown keys are rejected so that a typo is an error, never a silently ignored setting.
 */
export const TimeoutProfileConfigSchema = z.strictObject({
  version: z.literal(1, { error: 'expected version 1' }),
  providerTypes: z.strictObject(
    Object.fromEntries(PROVIDER_TYPES.map((t) => [t, ProviderTypeProfileSchema])) as Record<
      ProviderType,
      typeof ProviderTypeProfileSchema
    >,
  ),
  patienceProfiles: z.strictObject({
    conservative: PatienceProfileSchema,
    balanced: PatienceProfileSchema,
    longForm: PatienceProfileSchema,
  }),
  providerMapping: z.record(z.string().min(1), providerTypeEnum),
  stallDialogOptions: z.strictObject({
    continue_30s: continueOption,
    continue_5m: continueOption,
    try_alternative: confirmOption,
    cancel_job: confirmOption,
  }),
  uiStates: z.strictObject({
    normal: uiState,
    extended: uiState,
    deepWait: uiState,
    stallSuspected: uiState,
    error: uiState,
  }),
  checkIntervalMs: ms('checkIntervalMs'),
});

/** The parsed timeout-profile file. */
export type TimeoutProfileConfig = z.output<typeof TimeoutProfileConfigSchema>;

/** One provider type's raw thresholds. */
export type ProviderTypeProfile = z.output<typeof ProviderTypeProfileSchema>;

/** The names of the patience profiles. */
export const PATIENCE_PROFILES = ['conservative', 'balanced', 'longForm'] as const;

/** One of {@link PATIENCE_PROFILES}. */
export type PatienceProfileName = (typeof PATIENCE_PROFILES)[number];

/**
 * A provider's thresholds after the patience profile is applied: what the stall detector and the
 * latency classifier read.
 */
export interface ResolvedTimeoutProfile {
  providerType: ProviderType;
  patienceProfile: PatienceProfileName;
  /** Below this elapsed time the call is `Normal`. */
  normalMs: number;
  /** Below this elapsed time (and at or above `normalMs`) the call is `Extended`; from here on `DeepWait`. */
  extendedMs: number;
  /** A provider without heartbeat support is judged stalled only after this. */
  deepWaitMs: number;
  /** Expected time between heartbeats (not scaled by the patience profile). */
  heartbeatIntervalMs: number;
  /** Type multiplier × profile multiplier, not truncated (3 × 0.8 = 2.4). */
  stallMultiplier: number;
  /** `heartbeatIntervalMs × stallMultiplier`: no progress for this long is a suspected stall. */
  stallThresholdMs: number;
}
