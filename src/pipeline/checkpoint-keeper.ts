import { stat } from 'node:fs/promises';
import type { Clock } from '../domain/clock.js';
import { sha256File } from '../providers/media/atomic-file.js';
import type { CheckpointStore } from '../state/checkpoint-store.js';

/** A verified, completed step. */
export interface VerifiedStep {
  stepId: string;
  artifactPath: string;
  meta: Record<string, unknown>;
}

/**
 * Checkpoints of one job: a step counts as done only when its artifact still exists and its
 * content hash matches what was recorded, so a restart after a crash skips exactly the verified
 * steps and redoes the rest.
 */
export class CheckpointKeeper {
  private readonly skipped: string[] = [];

  constructor(
    private readonly store: CheckpointStore,
    private readonly jobId: string,
    private readonly clock: Clock,
  ) {}

  /** The step when it is done and its artifact verifies; undefined otherwise. */
  async verified(stepId: string, signal?: AbortSignal): Promise<VerifiedStep | undefined> {
    const cp = await this.store.get(this.jobId, stepId);
    if (!cp) return undefined;
    try {
      const hash = await sha256File(cp.artifactPath, signal);
      if (hash !== cp.sha256) return undefined;
    } catch {
      return undefined;
    }
    this.skipped.push(stepId);
    return { stepId, artifactPath: cp.artifactPath, meta: cp.meta };
  }

  /** Records a step as done (after its artifact was written atomically). */
  async complete(stepId: string, artifactPath: string, meta: Record<string, unknown> = {}): Promise<void> {
    const [sha256, info] = await Promise.all([sha256File(artifactPath), stat(artifactPath)]);
    await this.store.put({
      jobId: this.jobId,
      stepId,
      artifactPath,
      sha256,
      sizeBytes: info.size,
      meta,
      completedAt: new Date(this.clock.now()).toISOString(),
    });
  }

  /** Steps skipped in this run because they were already verified. */
  get skippedSteps(): readonly string[] {
    return this.skipped;
  }

  /** Artifact paths of every completed step (partial artifacts of a canceled or failed job). */
  async artifacts(): Promise<string[]> {
    return (await this.store.list(this.jobId)).map((c) => c.artifactPath);
  }
}
