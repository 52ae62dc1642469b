import { type Clock, systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import { Bulkhead, type BulkheadSettings, type BulkheadView } from './bulkhead.js';
import { type CallSlots, SharedBulkhead, type SharedSlotsOptions } from './shared-bulkhead.js';

/**
 * Bulkheads on by default: local servers that serve one request at a time. A cloud provider has
 * none unless configured (its own rate limits are the tighter bound).
 */
export const DEFAULT_BULKHEADS: Readonly<Record<string, Readonly<BulkheadSettings>>> = Object.freeze({
  ollama: { maxConcurrent: 1, maxQueue: 16, queueTimeoutMs: 120_000 },
  'stable-diffusion': { maxConcurrent: 1, maxQueue: 16, queueTimeoutMs: 300_000 },
});

/** Defaults of the fields a configured bulkhead leaves out. */
export const BULKHEAD_FIELD_DEFAULTS: Readonly<Omit<BulkheadSettings, 'maxConcurrent'>> = Object.freeze({
  maxQueue: 32,
  queueTimeoutMs: 60_000,
});

/** Options of {@link BulkheadRegistry}. */
export interface BulkheadRegistryOptions {
  /** Per provider id; merged over {@link DEFAULT_BULKHEADS}; `false` turns a default off. */
  settings?: Readonly<Record<string, Partial<BulkheadSettings> | false>>;
  clock?: Clock;
  /** How often a queued call hears its position. @default 1000 */
  beatEveryMs?: number;
  /**
   * Share every bulkhead's slots with the other processes on one store (Redis): `maxConcurrent`
   * then holds across all of them. @default in process only
   */
  shared?: SharedSlotsOptions;
}

/** The bulkheads of all providers that have one, built once from the configuration. */
export class BulkheadRegistry {
  private readonly bulkheads = new Map<string, CallSlots>();

  constructor(options: BulkheadRegistryOptions = {}) {
    const clock = options.clock ?? systemClock;
    const merged: Record<string, Partial<BulkheadSettings> | false> = { ...DEFAULT_BULKHEADS };
    for (const [id, s] of Object.entries(options.settings ?? {}))
      merged[id] = s === false ? false : { ...(merged[id] || {}), ...s };
    for (const [id, s] of Object.entries(merged)) {
      if (s === false) continue;
      const local = new Bulkhead(id, complete(id, s), clock, options.beatEveryMs ?? 1000);
      this.bulkheads.set(id, options.shared ? new SharedBulkhead(local, options.shared, clock) : local);
    }
  }

  /** The bulkhead of `provider`, or undefined when it has none. */
  get(provider: string): CallSlots | undefined {
    return this.bulkheads.get(provider);
  }

  /** Views of every bulkhead, by provider id. */
  views(): Record<string, BulkheadView> {
    const out: Record<string, BulkheadView> = {};
    for (const [id, b] of this.bulkheads) out[id] = b.view();
    return out;
  }
}

function complete(provider: string, s: Partial<BulkheadSettings>): BulkheadSettings {
  const out = { ...BULKHEAD_FIELD_DEFAULTS, ...s };
  const bad = (field: string, value: unknown, rule: string): ReelayError =>
    new ReelayError(
      'REELAY_ERR_CONFIG',
      `Bulkhead of ${provider} has an invalid ${field} (${String(value)}): use ${rule}.`,
      { provider, details: { field } },
    );
  if (!Number.isInteger(out.maxConcurrent) || (out.maxConcurrent ?? 0) < 1)
    throw bad('maxConcurrent', out.maxConcurrent, 'an integer of at least 1');
  if (!Number.isInteger(out.maxQueue) || out.maxQueue < 0)
    throw bad('maxQueue', out.maxQueue, 'an integer ≥ 0');
  if (!(out.queueTimeoutMs > 0)) throw bad('queueTimeoutMs', out.queueTimeoutMs, 'a positive number of ms');
  return out as BulkheadSettings;
}
