/**
 * A job's own hedge settings (`hedging` in the request) reach every stage call as the job scope
 * (docs/hedging.md#scopes); a job without them leaves the scope empty.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VideoOrchestrator } from '../../src/pipeline/video-orchestrator.js';
import { parseVideoRequest } from '../../src/pipeline/video-request.js';
import { ProviderRegistry } from '../../src/providers/provider-registry.js';
import type { StageCall } from '../../src/routing/stage-call.js';
import { createMemoryStores } from '../../src/state/memory/memory-stores.js';

async function firstStageCall(hedging: Record<string, unknown> | undefined): Promise<StageCall<unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'reelay-job-hedge-'));
  const calls: StageCall<unknown>[] = [];
  const orchestrator = new VideoOrchestrator({
    runner: {
      run: (call) => {
        calls.push(call as unknown as StageCall<unknown>);
        return Promise.reject(new Error('stop after the first stage call'));
      },
    },
    registry: new ProviderRegistry(),
    checkpoints: createMemoryStores().checkpoints,
    dataDir: dir,
    outputDir: join(dir, 'videos'),
    preflight: false,
  });
  const request = parseVideoRequest({
    brief: 'Explain how tides work, with the moon and the sun.',
    durationMinutes: 0.1,
    ...(hedging ? { hedging } : {}),
  });
  try {
    await expect(
      orchestrator.run(
        { id: 'job_hedge', correlationId: 'corr_1', request, policy: 'auto' },
        { emit: () => {}, log: () => {} },
        new AbortController().signal,
      ),
    ).rejects.toThrow('stop after the first stage call');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  expect(calls[0]?.stage).toBe('script');
  return calls[0]!;
}

describe('per-job hedging', () => {
  it('passes the request’s hedging settings to the stage call as the job scope', async () => {
    const call = await firstStageCall({ enabled: true, afterMs: 800, hedgeTo: 'alternative' });
    expect(call.hedge?.job).toEqual({ enabled: true, afterMs: 800, hedgeTo: 'alternative' });
  });

  it('leaves the job scope empty when the request says nothing', async () => {
    const call = await firstStageCall(undefined);
    expect(call.hedge?.job).toBeUndefined();
  });

  it('rejects unknown hedging fields at validation', () => {
    expect(() =>
      parseVideoRequest({ brief: 'Explain how tides work, please.', hedging: { after: 800 } }),
    ).toThrow(/hedging/);
  });
});
