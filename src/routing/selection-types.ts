import type { Usage } from '../domain/provider.js';
import type { ProviderKind } from '../domain/provider-type.js';
import type { BusinessRules, ComponentPoints } from './score-components.js';
import type { ScoreComponent, SelectionPriority, SelectionWeights } from './selection-weights.js';

/** How a selection should lean and what the caller would like. */
export interface SelectionCriteria {
  /** Shifts the weights (docs/provider-selection.md#weights). @default 'balanced' */
  prioritize?: SelectionPriority;
  /** Weight overrides for this selection, applied before the priority shift. */
  weights?: Partial<SelectionWeights>;
  /** Favour providers that work offline (context score). @default false */
  preferOffline?: boolean;
  /** Features that add context points when present (unlike `requiredFeatures`, which filter). */
  preferredFeatures?: readonly string[];
}

/** Input of {@link ProviderSelectionEngine.selectProviders}. */
export interface SelectionRequest {
  kind: ProviderKind;
  stage: string;
  jobId: string;
  criteria?: SelectionCriteria;
  businessRules?: BusinessRules;
  /** Provider ids not to consider. */
  exclude?: readonly string[];
  /** Features a provider must list in `capabilities.features` (case-insensitive). */
  requiredFeatures?: readonly string[];
  /** Language the provider must support (when it lists languages; no list = any). */
  language?: string;
  /** Expected usage of the call, for cost estimates and budget checks. */
  estimatedUsage?: Usage;
}

/** One component's contribution to a candidate's score. */
export interface ScoredComponent extends ComponentPoints {
  /** Weight used (after priority shift and renormalisation). */
  weight: number;
  /** Points of the 0–100 score this component contributed: value / max × weight × 100. */
  weighted: number;
}

/** A ranked provider. */
export interface Candidate {
  provider: string;
  displayName: string;
  /** 0–100. */
  score: number;
  components: Record<ScoreComponent, ScoredComponent>;
  /** One line per component, e.g. "health 28.0/30: 99.5 % uptime, 120 ms, 0 % errors". */
  reasons: string[];
  /** Estimated cost of the call in US dollars; null without a usage estimate. */
  estimatedCostUsd: number | null;
}

/** A provider that was not ranked, and why. */
export interface ExcludedProvider {
  provider: string;
  /** Machine-readable cause. */
  code:
    | 'requested'
    | 'circuit-open'
    | 'failed-in-job'
    | 'missing-feature'
    | 'language'
    | 'max-cost'
    | 'budget';
  reason: string;
}

/** Output of {@link ProviderSelectionEngine.selectProviders}. */
export interface SelectionResult {
  /** Best first. */
  candidates: Candidate[];
  excluded: ExcludedProvider[];
  /** The weights used. */
  weights: SelectionWeights;
}
