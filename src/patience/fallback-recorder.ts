import type { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { ReelayError } from '../domain/errors.js';
import type { ReelayEventOf } from '../domain/events.js';
import type { FallbackDecision } from '../domain/fallback.js';
import type { Logger } from '../domain/logger.js';
import type { AuditTrail } from '../state/audit-trail.js';
import type { FallbackDecisionFactory, FallbackDecisionInput } from './fallback-decision.js';
import type { SwitchProviderRequest } from './gateway-types.js';
import type { PrimaryProviderLock } from './primary-provider-lock.js';
import type { ProviderLockRegistry } from './provider-lock-registry.js';

/** What {@link FallbackRecorder} works with. */
export interface FallbackRecorderDeps {
  locks: ProviderLockRegistry;
  audit: AuditTrail;
  decisions: FallbackDecisionFactory;
  profiles: ProviderTimeoutProfileLoader;
  logger: Logger;
  emit: (event: ReelayEventOf<'fallback-decision'>) => void;
}

/** Records fallback decisions in the audit trail and keeps the job's lock consistent with them. */
export class FallbackRecorder {
  constructor(private readonly deps: FallbackRecorderDeps) {}

  /** Records a decision and ends the job's lock on `fromProvider`. */
  async record(decision: FallbackDecision): Promise<void> {
    const { locks, audit } = this.deps;
    const lock = locks.get(decision.jobId);
    const governs =
      lock !== undefined && lock.providerName.toLowerCase() === decision.fromProvider.toLowerCase();
    if (governs && !lock.overrideable) throw notOverrideable(lock, decision.toProvider);
    await audit.record(decision);
    if (governs) locks.release(decision.jobId, `fallback to ${decision.toProvider} (${decision.reason})`);
    this.announce(decision);
  }

  /** Records the decision AND moves the job's lock to `toProvider` in one step. */
  async switchProvider(
    req: SwitchProviderRequest,
  ): Promise<{ decision: FallbackDecision; lock: PrimaryProviderLock | undefined }> {
    const { locks, audit, profiles } = this.deps;
    const lock = locks.get(req.jobId);
    const fromProvider = req.fromProvider ?? lock?.providerName;
    const correlationId = req.correlationId ?? lock?.correlationId;
    if (!fromProvider || !correlationId) {
      throw new ReelayError(
        'REELAY_ERR_VALIDATION',
        `Job ${req.jobId} has no provider lock; switchProvider needs fromProvider and correlationId`,
      );
    }
    if (lock && !lock.overrideable) throw notOverrideable(lock, req.toProvider);
    const input: FallbackDecisionInput = {
      jobId: req.jobId,
      fromProvider,
      toProvider: req.toProvider,
      elapsedBeforeSwitchMs: req.elapsedBeforeSwitchMs ?? 0,
      correlationId,
      stages: req.stages ?? lock?.stages ?? [],
      ...(req.context === undefined ? {} : { context: req.context }),
      ...(req.errorCategory === undefined ? {} : { errorCategory: req.errorCategory }),
    };
    const decision = this.make(req, input);
    const toType = req.toProviderType ?? profiles.resolveProviderType(req.toProvider);
    await audit.record(decision);
    const moved = locks.get(req.jobId)
      ? locks.move(req.jobId, req.toProvider, toType, `switched to ${req.toProvider} (${decision.reason})`)
      : undefined;
    this.announce(decision);
    return { decision, lock: moved };
  }

  private make(req: SwitchProviderRequest, input: FallbackDecisionInput): FallbackDecision {
    const { decisions } = this.deps;
    switch (req.reason) {
      case 'USER_REQUEST':
        return decisions.createUserRequested(input);
      case 'USER_AFTER_STALL':
        return decisions.createUserAfterStall(input);
      case 'PROVIDER_FATAL_ERROR':
        return decisions.createProviderFatalError(input);
      case 'DEGRADED':
        return decisions.createDegraded({ ...input, userConfirmed: req.userConfirmed ?? false });
      default:
        return decisions.createAutomatic(req.reason, input);
    }
  }

  private announce(decision: FallbackDecision): void {
    this.deps.logger.info(
      {
        tag: decision.userConfirmed ? 'USER_FALLBACK_INITIATED' : 'FALLBACK_DECISION_RECORDED',
        jobId: decision.jobId,
        correlationId: decision.correlationId,
        fromProvider: decision.fromProvider,
        toProvider: decision.toProvider,
        reason: decision.reason,
        decisionId: decision.id,
      },
      `Fallback ${decision.fromProvider} → ${decision.toProvider} (${decision.reason})`,
    );
    this.deps.emit({
      type: 'fallback-decision',
      jobId: decision.jobId,
      timestamp: decision.timestamp,
      correlationId: decision.correlationId,
      decision,
    });
  }
}

function notOverrideable(lock: PrimaryProviderLock, toProvider: string): ReelayError {
  return new ReelayError(
    'REELAY_ERR_CONFLICT',
    `Job ${lock.jobId} is locked to ${lock.providerName} without override; it cannot switch to ` +
      `${toProvider}. Release the lock first if the switch is intended.`,
    { provider: lock.providerName, correlationId: lock.correlationId },
  );
}
