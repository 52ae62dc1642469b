import { clamp } from './stats.js';

/** Points of one score component. */
export interface ComponentPoints {
  /** Points after clamping to [0, max]. */
  value: number;
  /** Points before clamping (may be negative or above max). */
  raw: number;
  max: number;
  /** Why, in words, e.g. "99.5 % uptime, 120 ms". */
  detail: string;
}

/** Maximum points of each component (docs/provider-selection.md#components). */
export const COMPONENT_MAX = Object.freeze({
  base: 75,
  health: 30,
  performance: 25,
  cost: 15,
  reliability: 15,
  context: 10,
  business: 10,
});

/**
 * Neutral assumptions for providers without data, chosen so that an untried provider ranks below
 * a proven one and above a failing one: health checks not yet run count as healthy with 95 %
 * uptime and no latency penalty; no calls count as a 90 % success rate with no speed or quality
 * credit (performance 18/25); no session calls count as a 90 % session success rate.
 */
export const NO_DATA = Object.freeze({ uptime: 0.95, successRate: 0.9, sessionSuccessRate: 0.9 });

const pts = (raw: number, max: number, detail: string): ComponentPoints => ({
  value: clamp(raw, 0, max),
  raw,
  max,
  detail,
});

const pct = (fraction: number): string => `${(Math.round(fraction * 1000) / 10).toString()} %`;

/** Base: (6 − priority) × 15, max 75. Priority 1 (preferred) … 5 (last resort). */
export function baseScore(priority: number): ComponentPoints {
  return pts((6 - priority) * 15, COMPONENT_MAX.base, `priority ${priority}`);
}

/** Health inputs: the monitor's view (undefined = never checked) and the recent call error rate. */
export interface HealthInputs {
  check?: { healthy: boolean; uptime: number; latencyMs: number; message: string };
  /** Failed calls / calls, 0–1; undefined when there were no calls. */
  errorRate?: number;
}

/**
 * Health, max 30: 0 when the last check failed; else
 * 30 + (uptime% − 95) × 0.5 − errorRate% × 0.3 − max(0, (checkMs − 1000) × 0.01).
 */
export function healthScore(input: HealthInputs): ComponentPoints {
  const { check } = input;
  if (check && !check.healthy) return pts(0, COMPONENT_MAX.health, `unhealthy: ${check.message}`);
  const uptime = check?.uptime ?? NO_DATA.uptime;
  const errorRate = input.errorRate ?? 0;
  const ms = check?.latencyMs ?? 0;
  const raw = 30 + (uptime * 100 - 95) * 0.5 - errorRate * 100 * 0.3 - Math.max(0, (ms - 1000) * 0.01);
  const detail = check
    ? `${pct(uptime)} uptime, ${Math.round(ms)} ms, ${pct(errorRate)} errors`
    : `not checked yet (assumed ${pct(uptime)} uptime), ${pct(errorRate)} errors`;
  return pts(raw, COMPONENT_MAX.health, detail);
}

/** Performance inputs from the metrics window; `calls` 0 means no data. */
export interface PerformanceInputs {
  calls: number;
  /** 0–1. */
  successRate: number;
  avgLatencyMs: number;
  /** 0–10, null when unknown. */
  avgQuality: number | null;
  /** User satisfaction 0–1, when known. @default 0 */
  satisfaction?: number;
}

/**
 * Performance, max 25: successRate% × 0.2 + max(0, (120 − avgSeconds) × 0.1) + quality × 1.5 +
 * satisfaction × 3 (unknown quality and satisfaction add nothing). No calls: {@link NO_DATA}.
 */
export function performanceScore(input: PerformanceInputs): ComponentPoints {
  const satisfaction = input.satisfaction ?? 0;
  if (input.calls === 0) {
    const raw = NO_DATA.successRate * 100 * 0.2 + satisfaction * 3;
    return pts(raw, COMPONENT_MAX.performance, `no calls yet (assumed ${pct(NO_DATA.successRate)} success)`);
  }
  const seconds = input.avgLatencyMs / 1000;
  const raw =
    input.successRate * 100 * 0.2 +
    Math.max(0, (120 - seconds) * 0.1) +
    (input.avgQuality ?? 0) * 1.5 +
    satisfaction * 3;
  const quality = input.avgQuality === null ? '' : `, quality ${input.avgQuality.toFixed(1)}/10`;
  return pts(
    raw,
    COMPONENT_MAX.performance,
    `${pct(input.successRate)} success, ${seconds.toFixed(1)} s avg${quality}`,
  );
}

/**
 * Cost, max 15: max(0, (maxCost − cost) / maxCost × 15) with maxCost the most expensive
 * candidate's estimate (15 for everyone when all are free). Without a usage estimate
 * (`estimatedUsd` undefined) free providers get 15 and priced ones 7.5.
 */
export function costScore(
  estimatedUsd: number | undefined,
  maxCostUsd: number,
  free: boolean,
): ComponentPoints {
  if (estimatedUsd === undefined) {
    return free
      ? pts(15, COMPONENT_MAX.cost, 'free')
      : pts(7.5, COMPONENT_MAX.cost, 'priced, no usage estimate given');
  }
  const raw = maxCostUsd <= 0 ? 15 : Math.max(0, ((maxCostUsd - estimatedUsd) / maxCostUsd) * 15);
  return pts(
    raw,
    COMPONENT_MAX.cost,
    `est. $${estimatedUsd.toFixed(4)} (most expensive $${maxCostUsd.toFixed(4)})`,
  );
}

/**
 * Reliability, max 15: 10 − 5 × failures of this provider earlier in this job + session success
 * rate × 5 (the success fraction of its recent calls; {@link NO_DATA} when none).
 */
export function reliabilityScore(jobFailures: number, sessionSuccessRate: number | null): ComponentPoints {
  const session = sessionSuccessRate ?? NO_DATA.sessionSuccessRate;
  const raw = 10 - 5 * jobFailures + session * 5;
  return pts(
    raw,
    COMPONENT_MAX.reliability,
    `${jobFailures} earlier failure(s) in this job, ${pct(session)} recent success${sessionSuccessRate === null ? ' (assumed)' : ''}`,
  );
}

/** Context inputs: what the request asked for and what the provider offers. */
export interface ContextInputs {
  /** Requested language, if any. */
  language?: string;
  /** Languages the provider lists; absent = any. */
  providerLanguages?: readonly string[];
  preferredFeatures?: readonly string[];
  providerFeatures?: readonly string[];
  preferOffline?: boolean;
  offline?: boolean;
}

/** Whether a provider language satisfies a requested one: equal, or same primary subtag (en ~ en-US), ignoring case. */
export function languageMatches(requested: string, offered: string): boolean {
  const a = requested.trim().toLowerCase();
  const b = offered.trim().toLowerCase();
  return a === b || a.split('-')[0] === b.split('-')[0];
}

/**
 * Context, max 10 = language 4 + preferred features 3 + offline 3. Language: 4 when not asked or
 * listed by the provider, 2 when the provider lists no languages (any, unverified). Features:
 * 3 × matched/preferred (3 when none preferred). Offline: 3 when not asked or the provider works
 * offline, 0 when asked and it does not.
 */
export function contextScore(input: ContextInputs): ComponentPoints {
  const parts: string[] = [];
  let language = 4;
  if (input.language !== undefined) {
    const listed = input.providerLanguages?.some((l) => languageMatches(input.language ?? '', l)) ?? false;
    language = listed ? 4 : input.providerLanguages === undefined ? 2 : 0;
    parts.push(listed ? `speaks ${input.language}` : `${input.language} not listed`);
  }
  let features = 3;
  const wanted = input.preferredFeatures ?? [];
  if (wanted.length > 0) {
    const have = new Set((input.providerFeatures ?? []).map((f) => f.toLowerCase()));
    const matched = wanted.filter((f) => have.has(f.toLowerCase())).length;
    features = (3 * matched) / wanted.length;
    parts.push(`${matched}/${wanted.length} preferred features`);
  }
  let offline = 3;
  if (input.preferOffline) {
    offline = input.offline ? 3 : 0;
    parts.push(input.offline ? 'works offline' : 'needs network');
  }
  return pts(
    language + features + offline,
    COMPONENT_MAX.context,
    parts.join(', ') || 'no context preferences',
  );
}

/** Business rules the caller may apply to a selection. */
export interface BusinessRules {
  /** Providers to favour (6 points when listed, 0 when a list is given and it is not, 3 without a list). */
  preferredProviders?: readonly string[];
  /** Providers to disfavour: their business score is 0 (they stay selectable). */
  avoidProviders?: readonly string[];
  /** Quality guarantee 0–10: 4 points when the known average quality meets it, 0 below, 2 unknown. */
  qualityThreshold?: number;
  /** Providers whose estimated cost for this call is above this are excluded. */
  maxCostUsd?: number;
}

/** Business rules, max 10 = preferred providers 6 + quality guarantee 4; 0 for avoided providers. */
export function businessScore(
  provider: string,
  rules: BusinessRules,
  avgQuality: number | null,
): ComponentPoints {
  if (rules.avoidProviders?.includes(provider)) return pts(0, COMPONENT_MAX.business, 'on the avoid list');
  const parts: string[] = [];
  let preferred = 3;
  if (rules.preferredProviders !== undefined) {
    const listed = rules.preferredProviders.includes(provider);
    preferred = listed ? 6 : 0;
    parts.push(listed ? 'preferred provider' : 'not a preferred provider');
  }
  let quality = 2;
  if (rules.qualityThreshold !== undefined && avgQuality !== null) {
    const meets = avgQuality >= rules.qualityThreshold;
    quality = meets ? 4 : 0;
    parts.push(`quality ${avgQuality.toFixed(1)} ${meets ? '≥' : '<'} ${rules.qualityThreshold}`);
  }
  return pts(preferred + quality, COMPONENT_MAX.business, parts.join(', ') || 'no business rules');
}
