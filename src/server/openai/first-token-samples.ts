import { percentile } from '../../routing/stats.js';

/**
 * The last first-token times of each deployment (ms, own request start to first content), for
 * the default hedge delay and the sticky rule. Bounded: `size` samples per deployment.
 */
export class FirstTokenSamples {
  // One fixed-size ring per deployment: a sample is one store, never an array shift.
  private readonly rings = new Map<string, { values: number[]; next: number }>();

  constructor(private readonly size = 100) {}

  /** Adds one sample. */
  record(deployment: string, ms: number): void {
    let ring = this.rings.get(deployment);
    if (!ring) {
      ring = { values: [], next: 0 };
      this.rings.set(deployment, ring);
    }
    if (ring.values.length < this.size) ring.values.push(ms);
    else ring.values[ring.next] = ms;
    ring.next = (ring.next + 1) % this.size;
  }

  /** p95 (nearest rank) of a deployment's samples; undefined with fewer than `minSamples`. */
  p95(deployment: string, minSamples: number): number | undefined {
    const values = this.rings.get(deployment)?.values ?? [];
    if (values.length < minSamples) return undefined;
    return percentile(
      values.map((value) => ({ value, weight: 1 })),
      0.95,
    );
  }
}
