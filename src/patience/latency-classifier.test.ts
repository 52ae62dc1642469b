import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_PROFILES } from '../config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { classifyLatency, nextLatencyBoundary } from './latency-classifier.js';

const loader = new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES });

describe('classifyLatency', () => {
  it.each([
    ['local_llm', 'balanced', 30000, 180000],
    ['local_llm', 'conservative', 21000, 126000],
    ['image_gen', 'balanced', 60000, 240000],
    ['image_gen', 'longForm', 120000, 480000],
  ] as const)(
    '%s / %s: boundaries at %i and %i belong to the later category',
    (type, patience, normal, extended) => {
      const p = loader.getProfileForType(type, patience);
      expect([p.normalMs, p.extendedMs]).toEqual([normal, extended]);
      expect(classifyLatency(0, p)).toBe('Normal');
      expect(classifyLatency(normal - 1, p)).toBe('Normal');
      expect(classifyLatency(normal, p)).toBe('Extended');
      expect(classifyLatency(extended - 1, p)).toBe('Extended');
      expect(classifyLatency(extended, p)).toBe('DeepWait');
      expect(nextLatencyBoundary(normal - 1, p)).toBe(normal);
      expect(nextLatencyBoundary(normal, p)).toBe(extended);
      expect(nextLatencyBoundary(extended, p)).toBeUndefined();
    },
  );
});
