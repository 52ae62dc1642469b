import { percentile } from '../../routing/stats.js';

/**
 * The last first-token times of each deployment (ms, own request start to first content), for
 * the default hedge delay and the sticky rule. Bounded: `size` samples per deployment.
 */
export class FirstTokenSamples {
  private readonly rings = new Map<string, number[]>();

  constructor(private readonly size = 100) {}

  /** Adds one sample. */
  record(deployment: string, ms: number): void {
    let ring = this.rings.get(deployment);
    if (!ring) {
      ring = [];
      this.rings.set(deployment, ring);
    }
    ring.push(ms);
    if (ring.length > this.size) ring.shift();
  }

  /** p95 (nearest rank) of a deployment's samples; undefined with fewer than `minSamples`. */
  p95(deployment: string, minSamples: number): number | undefined {
    const ring = this.rings.get(deployment) ?? [];
    if (ring.length < minSamples) return undefined;
    return percentile(
      ring.map((value) => ({ value, weight: 1 })),
      0.95,
    );
  }
}
