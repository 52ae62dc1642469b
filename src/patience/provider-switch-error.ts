import { ReelayError } from '../domain/errors.js';
import type { FallbackReason } from '../domain/fallback.js';
import type { ProviderType } from '../domain/provider-type.js';

const SWITCH_MARKER = Symbol.for('reelay.provider-switch-requested');

/** Facts of a {@link ProviderSwitchRequestedError}. */
export interface ProviderSwitchRequest {
  jobId: string;
  stage: string;
  fromProvider: string;
  nextProvider: string;
  nextProviderType: ProviderType;
  /** Id of the recorded fallback decision. */
  decisionId: string;
  reason: FallbackReason;
  correlationId?: string;
}

/**
 * Thrown by `executeWithPatience` when a recorded decision switched the job to another provider
 * while the call ran (the call was aborted). Not a failure of the stage: run it again with
 * `nextProvider`, which the job's lock now names. Code `REELAY_ERR_CONFLICT`;
 * `details.nextProvider` carries the same name for code that only sees a ReelayError.
 *
 * @example
 * try { await gateway.executeWithPatience(req); }
 * catch (e) { if (ProviderSwitchRequestedError.isInstance(e)) return run(e.nextProvider); throw e; }
 */
export class ProviderSwitchRequestedError extends ReelayError {
  readonly [SWITCH_MARKER] = true;
  readonly nextProvider: string;
  readonly nextProviderType: ProviderType;
  readonly fromProvider: string;
  readonly decisionId: string;

  constructor(request: ProviderSwitchRequest) {
    super(
      'REELAY_ERR_CONFLICT',
      `${request.fromProvider} was stopped on stage "${request.stage}" of job ${request.jobId} because ` +
        `a switch to ${request.nextProvider} was decided (${request.reason}); run the stage again with ` +
        `${request.nextProvider}.`,
      {
        provider: request.fromProvider,
        stage: request.stage,
        ...(request.correlationId === undefined ? {} : { correlationId: request.correlationId }),
        details: { ...request },
      },
    );
    this.name = 'ProviderSwitchRequestedError';
    this.nextProvider = request.nextProvider;
    this.nextProviderType = request.nextProviderType;
    this.fromProvider = request.fromProvider;
    this.decisionId = request.decisionId;
  }

  /** True for any switch request, even from another copy of this package. */
  static override isInstance(value: unknown): value is ProviderSwitchRequestedError {
    return typeof value === 'object' && value !== null && SWITCH_MARKER in value;
  }
}
