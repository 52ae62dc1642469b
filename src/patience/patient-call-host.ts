import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import type { PatienceProfileName } from '../config/timeout-profile-schema.js';
import type { Clock } from '../domain/clock.js';
import type { IdGenerator } from '../domain/ids.js';
import type { Logger } from '../domain/logger.js';
import type { DecisionBroker } from './decision-broker.js';
import type { GatewayEvent } from './gateway-types.js';
import type { OperationIds } from './operation-ids.js';
import type { ProviderLockRegistry } from './provider-lock-registry.js';
import type { RunningOperation } from './running-operation.js';
import type { MonitoredEntry, StallDetector } from './stall-detector.js';

/** A running call that is its own stall-detector entry (the gateway's `PatientRun`). */
export type RunningEntry = MonitoredEntry & RunningOperation;

/** The gateway parts one patient call works with. */
export interface PatientCallHost {
  clock: Clock;
  /** Injected operation ids (drawn per call), or undefined: {@link operationIds} numbers them. */
  ids: IdGenerator | undefined;
  /** The gateway's operation numbers and their string form. */
  operationIds: OperationIds;
  logger: Logger;
  profiles: ProviderTimeoutProfileLoader;
  patienceProfile: PatienceProfileName;
  locks: ProviderLockRegistry;
  /** Monitors the running calls; each call is its own entry, looked up by operation id. */
  detector: StallDetector<RunningEntry>;
  broker: DecisionBroker;
  heartbeatEventIntervalMs: number;
  /**
   * After an interrupt (cancel, switch, stall under `off`), how long to wait for the operation to
   * stop before settling with the abort reason (0 = settle at once).
   */
  interruptGraceMs?: number;
  emit: (event: GatewayEvent) => void;
  /**
   * Whether anyone listens to an event type; events nobody listens to are not built.
   * @default every type is built and emitted
   */
  listens?: (type: GatewayEvent['type']) => boolean;
}

/** Whether an event of `type` would reach a listener of the host (true when it cannot tell). */
export function hostListens(host: PatientCallHost, type: GatewayEvent['type']): boolean {
  return host.listens === undefined || host.listens(type);
}
