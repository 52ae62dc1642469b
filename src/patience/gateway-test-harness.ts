import { expect, vi } from 'vitest';
import { DEFAULT_TIMEOUT_PROFILES } from '../config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { sequentialIds } from '../domain/ids.js';
import { MemoryLogger } from '../domain/logger.js';
import type { ProviderCallContext } from '../domain/provider.js';
import { MemoryAuditTrail } from '../state/memory/memory-audit-trail.js';
import type { GatewayEvent, ProviderGatewayOptions } from './gateway-types.js';
import { ProviderGateway } from './provider-gateway.js';

/** What {@link makeGateway} returns. */
export interface GatewayHarness {
  gateway: ProviderGateway;
  audit: MemoryAuditTrail;
  logger: MemoryLogger;
  events: GatewayEvent[];
  ofType<T extends GatewayEvent['type']>(type: T): Array<Extract<GatewayEvent, { type: T }>>;
}

/** What {@link manualOperation} returns. */
export interface ManualOperation<T> {
  operation: (ctx: ProviderCallContext) => Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  /** The call context the operation received. */
  readonly ctx: ProviderCallContext;
}

/**
 * Test helper (not exported from the package): a gateway on memory stores, sequential ids and a
 * memory logger, recording every event.
 */
export function makeGateway(options: Partial<ProviderGatewayOptions> = {}): GatewayHarness {
  const audit = new MemoryAuditTrail();
  const logger = new MemoryLogger();
  const gateway = new ProviderGateway({
    profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
    audit,
    ids: sequentialIds(),
    logger,
    ...options,
  });
  const events: GatewayEvent[] = [];
  gateway.onAny((e) => events.push(e));
  const ofType = <T extends GatewayEvent['type']>(type: T) =>
    events.filter((e): e is Extract<GatewayEvent, { type: T }> => e.type === type);
  return { gateway, audit, logger, events, ofType };
}

/** Test helper: an operation the test settles by hand, exposing the call context it received. */
export function manualOperation<T>(): ManualOperation<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  let ctx: ProviderCallContext | undefined;
  const operation = (c: ProviderCallContext): Promise<T> => {
    ctx = c;
    return new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
  };
  return {
    operation,
    resolve: (value: T) => resolve(value),
    reject: (error: unknown) => reject(error),
    get ctx(): ProviderCallContext {
      if (!ctx) throw new Error('operation not started');
      return ctx;
    },
  };
}

/**
 * Test helper: asserts that the calls that ended left nothing running. The one timer allowed is
 * the stall detector's idle timer — kept armed after the last call so that calls in a row do not
 * each create and clear a timer (it never keeps the process alive) —, and it must fire once,
 * without any effect (`effects`, e.g. the number of events seen, is unchanged), and be gone.
 */
export async function expectNothingLeftRunning(effects: () => number = () => 0): Promise<void> {
  expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
  const before = effects();
  await vi.runOnlyPendingTimersAsync();
  expect(effects()).toBe(before);
  expect(vi.getTimerCount()).toBe(0);
}
