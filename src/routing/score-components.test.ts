import { describe, expect, it } from 'vitest';
import {
  baseScore,
  businessScore,
  contextScore,
  costScore,
  healthScore,
  languageMatches,
  performanceScore,
  reliabilityScore,
} from './score-components.js';
import { DEFAULT_SELECTION_WEIGHTS, type SelectionWeights, shiftWeights } from './selection-weights.js';

describe('score components (docs/provider-selection.md, worked numbers)', () => {
  it('base = (6 − priority)·15, clamped to 75', () => {
    expect(baseScore(1).value).toBe(75);
    expect(baseScore(2).value).toBe(60);
    expect(baseScore(5).value).toBe(15);
    expect(baseScore(0)).toMatchObject({ raw: 90, value: 75, max: 75 });
    expect(baseScore(7).value).toBe(0);
  });

  it('health = 30 + (uptime% − 95)·0.5 − errorRate%·0.3 − max(0, (ms − 1000)·0.01); 0 when unhealthy', () => {
    const check = { healthy: true, uptime: 0.9, latencyMs: 1500, message: 'ok' };
    // 30 − 2.5 − 3 − 5
    expect(healthScore({ check, errorRate: 0.1 }).value).toBeCloseTo(19.5, 10);
    // 30 + 2.25 − 0.6 − 0 = 31.65, clamped
    const good = healthScore({ check: { ...check, uptime: 0.995, latencyMs: 120 }, errorRate: 0.02 });
    expect(good.raw).toBeCloseTo(31.65, 10);
    expect(good.value).toBe(30);
    expect(good.detail).toBe('99.5 % uptime, 120 ms, 2 % errors');
    expect(healthScore({ check: { ...check, healthy: false, message: 'refused' } })).toMatchObject({
      value: 0,
      detail: 'unhealthy: refused',
    });
    // never checked: 95 % uptime assumed
    expect(healthScore({}).value).toBe(30);
    expect(healthScore({ errorRate: 0.2 }).value).toBeCloseTo(24, 10);
  });

  it('performance = success%·0.2 + max(0, (120 − s)·0.1) + quality·1.5 + satisfaction·3, max 25', () => {
    expect(
      performanceScore({ calls: 5, successRate: 0.5, avgLatencyMs: 100_000, avgQuality: null }).value,
    ).toBeCloseTo(12, 10);
    expect(
      performanceScore({
        calls: 5,
        successRate: 0.5,
        avgLatencyMs: 100_000,
        avgQuality: null,
        satisfaction: 1,
      }).value,
    ).toBeCloseTo(15, 10);
    expect(
      performanceScore({ calls: 5, successRate: 0.4, avgLatencyMs: 200_000, avgQuality: 2 }).value,
    ).toBeCloseTo(11, 10);
    const capped = performanceScore({ calls: 5, successRate: 0.8, avgLatencyMs: 60_000, avgQuality: 4 });
    expect(capped.raw).toBeCloseTo(28, 10);
    expect(capped.value).toBe(25);
    expect(
      performanceScore({ calls: 0, successRate: 0, avgLatencyMs: 0, avgQuality: null }).value,
    ).toBeCloseTo(18, 10);
  });

  it('cost = (maxCost − cost)/maxCost·15; neutral without a usage estimate', () => {
    expect(costScore(0.5, 2, false).value).toBeCloseTo(11.25, 10);
    expect(costScore(2, 2, false).value).toBe(0);
    expect(costScore(0, 0, true).value).toBe(15);
    expect(costScore(undefined, 0, true).value).toBe(15);
    expect(costScore(undefined, 0, false).value).toBe(7.5);
  });

  it('reliability = 10 − 5·job failures + session success·5', () => {
    expect(reliabilityScore(1, 0.8).value).toBeCloseTo(9, 10);
    expect(reliabilityScore(3, 1).value).toBe(0);
    expect(reliabilityScore(0, null).value).toBeCloseTo(14.5, 10);
    expect(reliabilityScore(0, 1).value).toBe(15);
  });

  it('context = language 4 + preferred features 3 + offline 3', () => {
    expect(contextScore({}).value).toBe(10);
    expect(contextScore({ language: 'en-US', providerLanguages: ['en'] }).value).toBe(10);
    expect(contextScore({ language: 'fr' }).value).toBe(8);
    expect(
      contextScore({
        language: 'en',
        providerLanguages: ['EN'],
        preferredFeatures: ['ssml', 'json'],
        providerFeatures: ['SSML'],
        preferOffline: true,
        offline: false,
      }).value,
    ).toBeCloseTo(5.5, 10);
    expect(languageMatches('pt-BR', 'pt')).toBe(true);
    expect(languageMatches('pt', 'es')).toBe(false);
  });

  it('business = preferred 6 + quality guarantee 4; avoided = 0', () => {
    expect(businessScore('a', {}, null).value).toBe(5);
    expect(businessScore('a', { preferredProviders: ['a'] }, null).value).toBe(8);
    expect(businessScore('b', { preferredProviders: ['a'] }, null).value).toBe(2);
    expect(businessScore('a', { preferredProviders: ['a'], qualityThreshold: 8 }, 9).value).toBe(10);
    expect(businessScore('a', { qualityThreshold: 8 }, 7).value).toBe(3);
    expect(businessScore('a', { avoidProviders: ['a'], preferredProviders: ['a'] }, 9).value).toBe(0);
  });
});

describe('selection weights', () => {
  it('defaults sum to 1 and balanced keeps them', () => {
    const sum = Object.values(DEFAULT_SELECTION_WEIGHTS).reduce((s, w) => s + w, 0);
    expect(sum).toBeCloseTo(1, 10);
    expect(shiftWeights()).toEqual(DEFAULT_SELECTION_WEIGHTS);
  });

  it('speed: performance +.10, health +.05, base −.10, cost −.05 (sums to 1 already)', () => {
    const w = shiftWeights(DEFAULT_SELECTION_WEIGHTS, 'speed');
    expect(w.performance).toBeCloseTo(0.3, 10);
    expect(w.health).toBeCloseTo(0.3, 10);
    expect(w.base).toBeCloseTo(0.1, 10);
    expect(w.cost).toBeCloseTo(0.05, 10);
  });

  it('quality clamps negative weights to 0 and renormalises', () => {
    const w = shiftWeights(DEFAULT_SELECTION_WEIGHTS, 'quality');
    expect(w.cost).toBe(0);
    expect(w.context).toBe(0);
    expect(w.performance).toBeCloseTo(0.35 / 1.1, 10);
    expect(w.reliability).toBeCloseTo(0.25 / 1.1, 10);
    expect(Object.values(w).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
  });

  it('cost: cost +.20, performance −.10, base −.10; never mutates the input', () => {
    const input: SelectionWeights = { ...DEFAULT_SELECTION_WEIGHTS };
    const w = shiftWeights(input, 'cost');
    expect(w.cost).toBeCloseTo(0.3, 10);
    expect(w.base).toBeCloseTo(0.1, 10);
    expect(w.performance).toBeCloseTo(0.1, 10);
    expect(input).toEqual(DEFAULT_SELECTION_WEIGHTS);
  });
});
