import { systemClock } from '../domain/clock.js';
import { randomIds } from '../domain/ids.js';
import { silentLogger } from '../domain/logger.js';
import { DecisionBroker } from './decision-broker.js';
import { FallbackDecisionFactory } from './fallback-decision.js';
import { FallbackRecorder } from './fallback-recorder.js';
import type { GatewayEvent, ProviderGatewayOptions } from './gateway-types.js';
import { ListenedEmitter } from './listened-emitter.js';
import { OperationIds } from './operation-ids.js';
import type { PatientCallHost, RunningEntry } from './patient-call-host.js';
import { ProviderLockRegistry } from './provider-lock-registry.js';
import { StallDetector } from './stall-detector.js';
import { askStallHandler, offStallHandler } from './stall-handlers.js';
import type { StallOptionDeps, SwitchOutcome } from './stall-options.js';
import { StallResponder } from './stall-responder.js';

/** The collaborators a {@link ProviderGateway} is made of, wired to one another. */
export interface GatewayParts {
  emitter: ListenedEmitter<GatewayEvent>;
  detector: StallDetector<RunningEntry>;
  broker: DecisionBroker;
  locks: ProviderLockRegistry;
  recorder: FallbackRecorder;
  /** What applying a stall option needs (also the stall responder's). */
  stallOptionDeps: StallOptionDeps;
  /** What one patient call works with. */
  callHost: PatientCallHost;
}

/**
 * Builds a gateway's parts from its options, with the defaults applied (system clock, random ids,
 * silent logger, the balanced patience profile, `heartbeat` events at most once a second): the
 * event emitter, the stall detector (keyed by operation number), the decision broker, the lock
 * registry, the fallback recorder, and the stall responder that turns the detector's stall
 * reports into the call's stall handler's decisions. Split from `provider-gateway.ts`: this says
 * how the gateway is put together, the gateway what it offers.
 *
 * @example
 * const parts = createGatewayParts({ profiles: new ProviderTimeoutProfileLoader(), audit });
 * parts.detector.size; // 0
 */
export function createGatewayParts(options: ProviderGatewayOptions): GatewayParts {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  const logger = options.logger ?? silentLogger;
  const { profiles, audit } = options;
  const patienceProfile = options.patienceProfile ?? 'balanced';
  const emitter = new ListenedEmitter<GatewayEvent>((err) =>
    logger.error({ tag: 'GATEWAY_LISTENER_ERROR', err }, 'A gateway event listener threw'),
  );
  const emit = (event: GatewayEvent): void => emitter.emit(event);
  const operationIds = new OperationIds();
  const detector = new StallDetector<RunningEntry>({
    clock,
    logger,
    keyOf: (id) => operationIds.parse(id),
  });
  const broker = new DecisionBroker({
    emit,
    clock,
    ids,
    logger,
    ...(options.decisionTimeoutMs === undefined ? {} : { timeoutMs: options.decisionTimeoutMs }),
    ...(options.pendingDecisions ? { store: options.pendingDecisions } : {}),
    ...(options.decisionTimeoutOption === undefined ? {} : { timeoutOption: options.decisionTimeoutOption }),
  });
  const locks = new ProviderLockRegistry(clock, logger, emit);
  const recorder = new FallbackRecorder({
    locks,
    audit,
    decisions: new FallbackDecisionFactory({ clock, ids }),
    profiles,
    logger,
    emit,
  });
  const stallOptionDeps: StallOptionDeps = {
    clock,
    ids,
    logger,
    profiles,
    detector,
    broker,
    locks,
    recorder,
    emit,
    switches: new Map<string, Promise<SwitchOutcome>>(),
  };
  const callHost: PatientCallHost = {
    clock,
    // Random ids (the default) are numbered per call and formatted when read: no UUID per call.
    ids: options.ids === randomIds ? undefined : options.ids,
    operationIds,
    logger,
    profiles,
    patienceProfile,
    locks,
    detector,
    broker,
    heartbeatEventIntervalMs: options.heartbeatEventIntervalMs ?? 1000,
    interruptGraceMs: options.interruptGraceMs ?? 0,
    emit,
    listens: (type) => emitter.listens(type),
  };
  const responder = new StallResponder({
    logger,
    detector,
    broker,
    handlers: { ask: askStallHandler, off: offStallHandler, ...options.stallHandlers },
    alternatives: options.alternatives ?? (() => []),
    stallOptions: stallOptionDeps,
    emit,
  });
  detector.onAny((event) => responder.handle(event));
  return { emitter, detector, broker, locks, recorder, stallOptionDeps, callHost };
}
