import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReelayError } from '../domain/errors.js';
import type { Logger } from '../domain/logger.js';
import { silentLogger } from '../domain/logger.js';
import { PROVIDER_TYPES, type ProviderType } from '../domain/provider-type.js';
import { DEFAULT_TIMEOUT_PROFILES } from './timeout-profile-defaults.js';
import {
  PATIENCE_PROFILES,
  type PatienceProfileName,
  type ResolvedTimeoutProfile,
  type TimeoutProfileConfig,
  TimeoutProfileConfigSchema,
} from './timeout-profile-schema.js';

/** Options of {@link ProviderTimeoutProfileLoader}. */
export interface TimeoutProfileLoaderOptions {
  /**
   * Profile file to read. A missing file means the shipped defaults.
   * @default `config/timeout-profiles.json` of the package (found next to the sources or the build)
   */
  path?: string;
  /** Where the loader says which profiles it uses. @default silentLogger */
  logger?: Logger;
  /** An already-parsed configuration; when given, no file is read (tests, embedding). */
  config?: TimeoutProfileConfig;
}

/** Case-insensitive name fragments → provider type, tried in order after the exact mapping. */
const HEURISTICS: ReadonlyArray<[ProviderType, readonly string[]]> = [
  ['local_llm', ['ollama', 'llama']],
  ['cloud_llm', ['gpt', 'openai', 'claude', 'anthropic', 'gemini', 'azure']],
  ['tts', ['tts', 'voice', 'speech', 'espeak', 'eleven', 'piper']],
  ['image_gen', ['diffusion', 'image', 'dall']],
  ['video_render', ['ffmpeg', 'video', 'runway', 'heygen']],
  ['fallback_provider', ['rule', 'template']],
];

/** Removes floating-point noise (3 × 0.8 = 2.4, not 2.4000000000000004) without truncating. */
const tidy = (value: number): number => Math.round(value * 1e9) / 1e9;

function defaultProfilePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/config → ../../config; dist/src/config → ../../../config
  const candidates = [resolve(here, '../../config'), resolve(here, '../../../config')];
  const found = candidates.find((dir) => existsSync(resolve(dir, 'timeout-profiles.json')));
  return resolve(found ?? candidates[0]!, 'timeout-profiles.json');
}

/**
 * Loads the timeout-profile file and resolves a provider's patience thresholds.
 * A missing file means the shipped defaults; an invalid one is an error naming the file, the field
 * and the expectation — never silently replaced.
 *
 * @example
 * const profiles = new ProviderTimeoutProfileLoader();
 * const p = profiles.getProfileForProvider('Ollama', 'longForm');
 * // p.normalMs === 60000, p.stallThresholdMs === 67500
 */
export class ProviderTimeoutProfileLoader {
  private readonly path: string;
  private readonly logger: Logger;
  private config: TimeoutProfileConfig | undefined;
  /** Resolved profiles by provider type, then patience profile (read on every provider call: no key string built). */
  private readonly cache = new Map<string, Map<string, ResolvedTimeoutProfile>>();

  constructor(options: TimeoutProfileLoaderOptions = {}) {
    this.path = options.path ?? defaultProfilePath();
    this.logger = options.logger ?? silentLogger;
    this.config = options.config;
  }

  /**
   * Reads and validates the profile file (synchronously, once at start-up) and returns it.
   * @throws ReelayError `REELAY_ERR_PROFILE_INVALID` for invalid JSON or a schema violation.
   */
  load(): TimeoutProfileConfig {
    this.cache.clear();
    if (!existsSync(this.path)) {
      this.logger.info(
        { tag: 'TIMEOUT_PROFILES_DEFAULTS', path: this.path },
        `Timeout profile file ${this.path} not found; using the shipped defaults`,
      );
      this.config = DEFAULT_TIMEOUT_PROFILES;
      return this.config;
    }
    const text = readFileSync(this.path, 'utf8');
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ReelayError(
        'REELAY_ERR_PROFILE_INVALID',
        `Timeout profile file ${this.path} is not valid JSON (${(error as Error).message}). ` +
          'Fix the syntax, or delete the file to use the shipped defaults.',
        { cause: error, details: { path: this.path } },
      );
    }
    const result = TimeoutProfileConfigSchema.safeParse(raw);
    if (!result.success) {
      const issues = result.error.issues.map((i) => ({
        field: i.path.map(String).join('.') || '(root)',
        message: i.message,
      }));
      throw new ReelayError(
        'REELAY_ERR_PROFILE_INVALID',
        `Timeout profile file ${this.path} is invalid: ` +
          issues.map((i) => `${i.field}: ${i.message}`).join('; ') +
          '. Fix these fields (see config/timeout-profiles.json for the shipped values).',
        { details: { path: this.path, issues } },
      );
    }
    this.config = result.data;
    this.logger.info({ tag: 'TIMEOUT_PROFILES_LOADED', path: this.path }, 'Timeout profiles loaded');
    return this.config;
  }

  /** The loaded configuration (loads it on first use). */
  getConfiguration(): TimeoutProfileConfig {
    return this.config ?? this.load();
  }

  /**
   * The provider type for a provider name: exact mapping, then case-insensitive mapping, then
   * name heuristics (e.g. "ollama" → local_llm, "tts" → tts), then `local_llm`.
   */
  resolveProviderType(providerName: string): ProviderType {
    const mapping = this.getConfiguration().providerMapping;
    const exact = mapping[providerName];
    if (exact) return exact;
    const lower = providerName.toLowerCase();
    for (const [name, type] of Object.entries(mapping)) if (name.toLowerCase() === lower) return type;
    for (const [type, fragments] of HEURISTICS) if (fragments.some((f) => lower.includes(f))) return type;
    return 'local_llm';
  }

  /**
   * Thresholds for a provider by name, after the patience profile.
   * @param patienceProfile @default 'balanced'
   */
  getProfileForProvider(
    providerName: string,
    patienceProfile: PatienceProfileName = 'balanced',
  ): ResolvedTimeoutProfile {
    return this.getProfileForType(this.resolveProviderType(providerName), patienceProfile);
  }

  /**
   * Thresholds for a provider type, after the patience profile: normal/extended/deepWait ×
   * timeout multiplier (rounded to the millisecond), heartbeat interval unchanged, stall multiplier ×
   * profile stall multiplier (not truncated).
   * @param patienceProfile @default 'balanced'
   * @throws ReelayError `REELAY_ERR_VALIDATION` for an unknown type or patience profile.
   */
  getProfileForType(
    providerType: ProviderType,
    patienceProfile: PatienceProfileName = 'balanced',
  ): ResolvedTimeoutProfile {
    const cached = this.cache.get(providerType)?.get(patienceProfile);
    if (cached) return cached;
    const config = this.getConfiguration();
    const type = config.providerTypes[providerType];
    if (!type || !(PROVIDER_TYPES as readonly string[]).includes(providerType)) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Unknown provider type "${providerType}"; expected one of ${PROVIDER_TYPES.join(', ')}`,
      );
    }
    const patience = (PATIENCE_PROFILES as readonly string[]).includes(patienceProfile)
      ? config.patienceProfiles[patienceProfile]
      : undefined;
    if (!patience) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Unknown patience profile "${patienceProfile}"; expected one of ${PATIENCE_PROFILES.join(', ')}`,
      );
    }
    const stallMultiplier = tidy(type.stallMultiplier * patience.stallMultiplier);
    const resolved: ResolvedTimeoutProfile = {
      providerType,
      patienceProfile,
      normalMs: Math.round(type.normalMs * patience.timeoutMultiplier),
      extendedMs: Math.round(type.extendedMs * patience.timeoutMultiplier),
      deepWaitMs: Math.round(type.deepWaitMs * patience.timeoutMultiplier),
      heartbeatIntervalMs: type.heartbeatIntervalMs,
      stallMultiplier,
      stallThresholdMs: Math.round(type.heartbeatIntervalMs * stallMultiplier),
    };
    let byProfile = this.cache.get(providerType);
    if (byProfile === undefined) {
      byProfile = new Map();
      this.cache.set(providerType, byProfile);
    }
    byProfile.set(patienceProfile, resolved);
    return resolved;
  }
}
