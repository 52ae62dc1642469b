import { type Clock, systemClock } from '../domain/clock.js';
import { ReelayError } from '../domain/errors.js';
import type { ProviderType } from '../domain/provider-type.js';

/** Options of {@link PrimaryProviderLock}. */
export interface PrimaryProviderLockOptions {
  jobId: string;
  providerName: string;
  providerType: ProviderType;
  correlationId: string;
  /** Whether a person may switch away from this provider (`tryUnlock`, fallback decisions). @default true */
  overrideable?: boolean;
  /** Stages the lock governs (case-insensitive). @default [] (all stages) */
  stages?: readonly string[];
  /** Source of `lockedAt` and durations. @default systemClock */
  clock?: Clock;
}

/** Result of {@link PrimaryProviderLock.validateProvider}. */
export type LockValidation = { ok: true } | { ok: false; message: string };

function required(value: string, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ReelayError('REELAY_ERR_VALIDATION', `Cannot lock a provider: ${name} must not be empty`);
  }
  return value;
}

/**
 * A job's lock on the provider its user chose. While active, requests for governed stages must
 * use this provider; it changes only through an explicit unlock or a recorded fallback decision.
 *
 * @example
 * const lock = new PrimaryProviderLock({ jobId: 'job-12345', providerName: 'Ollama',
 *   providerType: 'local_llm', correlationId: 'corr-1', stages: ['script-generation'] });
 * lock.validateProvider('OpenAI', 'script-generation'); // { ok: false, message: '…' }
 */
export class PrimaryProviderLock {
  readonly jobId: string;
  readonly providerName: string;
  readonly providerType: ProviderType;
  readonly correlationId: string;
  readonly overrideable: boolean;
  /** Governed stages as given (empty = all). */
  readonly stages: readonly string[];
  /** Epoch ms the lock was created. */
  readonly lockedAt: number;
  private readonly clock: Clock;
  private readonly stageKeys: ReadonlySet<string>;
  /** `providerName` lower-cased once: every provider call is checked against it. */
  private readonly providerKey: string;
  private unlockedAtMs: number | undefined;
  private reason: string | undefined;

  constructor(options: PrimaryProviderLockOptions) {
    this.jobId = required(options.jobId, 'jobId');
    this.providerName = required(options.providerName, 'providerName');
    this.providerType = required(options.providerType, 'providerType') as ProviderType;
    this.correlationId = required(options.correlationId, 'correlationId');
    this.overrideable = options.overrideable ?? true;
    this.stages = Object.freeze((options.stages ?? []).filter((s) => s.trim() !== ''));
    this.stageKeys = new Set(this.stages.map((s) => s.toLowerCase()));
    this.providerKey = this.providerName.toLowerCase();
    this.clock = options.clock ?? systemClock;
    this.lockedAt = this.clock.now();
  }

  /** True until unlocked or released. */
  get isActive(): boolean {
    return this.unlockedAtMs === undefined;
  }

  /** Epoch ms of the unlock, when unlocked. */
  get unlockedAt(): number | undefined {
    return this.unlockedAtMs;
  }

  /** Why the lock ended, when it did. */
  get unlockReason(): string | undefined {
    return this.reason;
  }

  /** Milliseconds the lock has been (or was) held. */
  get durationMs(): number {
    return (this.unlockedAtMs ?? this.clock.now()) - this.lockedAt;
  }

  /** Whether the lock governs `stage` (no stages = every stage; case-insensitive). */
  appliesToStage(stage: string): boolean {
    return this.stageKeys.size === 0 || this.stageKeys.has(stage.toLowerCase());
  }

  /**
   * Whether `providerName` may serve `stage`: yes when the lock is no longer active, the stage is
   * not governed, or the name matches (case-insensitive).
   */
  validateProvider(providerName: string, stage: string): LockValidation {
    if (!this.isActive || !this.appliesToStage(stage)) return { ok: true };
    if (providerName === this.providerName || providerName.toLowerCase() === this.providerKey)
      return { ok: true };
    return {
      ok: false,
      message:
        `Job ${this.jobId} is locked to ${this.providerName} for stage "${stage}", but ${providerName} ` +
        `was requested. Use ${this.providerName}, or switch to ${providerName} through a recorded ` +
        'fallback decision.',
    };
  }

  /**
   * The user override: ends the lock when it is overrideable and still active.
   * @returns false when the lock is not overrideable or already ended.
   */
  tryUnlock(reason: string): boolean {
    if (!this.overrideable || !this.isActive) return false;
    this.end(reason);
    return true;
  }

  /**
   * Ends the lock whatever its overrideable flag (the job finished, was canceled, or the gateway
   * moved it after a decision). @returns false when already ended.
   */
  release(reason: string): boolean {
    if (!this.isActive) return false;
    this.end(reason);
    return true;
  }

  /** `ProviderLock[Ollama (local_llm) for Job job-12345, Stages: script-generation, refinement, Active]` */
  toString(): string {
    const stages = this.stages.length > 0 ? this.stages.join(', ') : 'All';
    return `ProviderLock[${this.providerName} (${this.providerType}) for Job ${this.jobId}, Stages: ${stages}, ${
      this.isActive ? 'Active' : 'Unlocked'
    }]`;
  }

  /** Plain, serialisable form. */
  toJSON(): Record<string, unknown> {
    return {
      state: this.isActive ? 'active' : 'unlocked',
      jobId: this.jobId,
      providerName: this.providerName,
      providerType: this.providerType,
      correlationId: this.correlationId,
      overrideable: this.overrideable,
      stages: [...this.stages],
      lockedAt: this.lockedAt,
      unlockedAt: this.unlockedAtMs,
      unlockReason: this.reason,
    };
  }

  private end(reason: string): void {
    this.unlockedAtMs = this.clock.now();
    this.reason = reason;
  }
}
