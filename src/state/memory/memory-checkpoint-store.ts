import type { Checkpoint, CheckpointStore } from '../checkpoint-store.js';

/** In-memory {@link CheckpointStore}: for tests and single-process library use. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly byJob = new Map<string, Map<string, Checkpoint>>();

  async put(checkpoint: Checkpoint): Promise<void> {
    let steps = this.byJob.get(checkpoint.jobId);
    if (!steps) {
      steps = new Map();
      this.byJob.set(checkpoint.jobId, steps);
    }
    // Map.set on an existing key keeps its position: list order is first-stored order.
    steps.set(checkpoint.stepId, structuredClone(checkpoint));
  }

  async get(jobId: string, stepId: string): Promise<Checkpoint | null> {
    const found = this.byJob.get(jobId)?.get(stepId);
    return found ? structuredClone(found) : null;
  }

  async list(jobId: string): Promise<Checkpoint[]> {
    return [...(this.byJob.get(jobId)?.values() ?? [])].map((c) => structuredClone(c));
  }

  async remove(jobId: string, stepId: string): Promise<boolean> {
    return this.byJob.get(jobId)?.delete(stepId) ?? false;
  }
}
