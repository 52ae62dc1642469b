import type { ImageProvider, ImageResult } from '../../domain/provider.js';
import { estimateImageUsage } from '../../routing/usage-estimate.js';
import type { PipelineContext } from '../pipeline-context.js';
import type { Script } from '../script-schema.js';

/** The still of one scene. */
export interface SceneVisual {
  index: number;
  imagePath: string;
  provider: string;
}

/**
 * Visuals stage: one image per scene, several at once (bounded). After a switch, scenes not yet
 * started stick to the new provider.
 */
export async function runVisualsStage(ctx: PipelineContext, script: Script): Promise<SceneVisual[]> {
  const { request } = ctx;
  const scenes = script.scenes;
  const results: SceneVisual[] = new Array(scenes.length);
  let preferred = request.providers.image;
  let finished = 0;
  const used = new Set<string>();
  const renderOne = async (index: number): Promise<void> => {
    const scene = scenes[index]!;
    const stepId = `visual-${index + 1}`;
    const done = await ctx.checkpoints.verified(stepId, ctx.signal);
    if (done) {
      results[index] = { index, imagePath: done.artifactPath, provider: String(done.meta.provider) };
      used.add(String(done.meta.provider));
    } else {
      const outPath = ctx.workspace.visualPath(index);
      const result = await ctx.runner.run<ImageResult, ImageProvider>({
        jobId: ctx.jobId,
        correlationId: ctx.correlationId,
        stage: 'visuals',
        kind: 'image',
        policy: ctx.policy,
        signal: ctx.signal,
        label: `scene ${index + 1} of ${scenes.length}`,
        estimatedUsage: estimateImageUsage(),
        ...(ctx.request.hedging ? { hedge: { job: ctx.request.hedging } } : {}),
        ...(preferred ? { preferred } : {}),
        call: (provider, call) =>
          provider.renderImage(
            {
              prompt: scene.visual,
              title: scene.title,
              caption: captionFor(scene.narration),
              width: request.options.width,
              height: request.options.height,
              outPath,
              sceneIndex: index,
              sceneCount: scenes.length,
              style: request.style,
            },
            call,
          ),
      });
      preferred = result.provider.id;
      used.add(result.provider.id);
      results[index] = { index, imagePath: result.value.path, provider: result.provider.id };
      await ctx.checkpoints.complete(stepId, result.value.path, { provider: result.provider.id });
    }
    finished++;
    ctx.progress.update(
      'visuals',
      finished / scenes.length,
      `Visuals: ${finished} of ${scenes.length} scenes`,
    );
  };
  await forEachBounded(scenes.length, Math.max(1, ctx.visualsConcurrency), renderOne, ctx.signal);
  ctx.served('visuals', [...used].join(' + '));
  return results;
}

/** The first sentence of the narration, shortened for a card. */
export function captionFor(narration: string, max = 90): string {
  const first = narration.split(/(?<=[.!?])\s+/)[0] ?? narration;
  return first.length <= max ? first : `${first.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

/** Runs `fn(0 … n−1)` with at most `limit` at once; the first failure stops new work and is thrown. */
export async function forEachBounded(
  n: number,
  limit: number,
  fn: (index: number) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < n) {
      signal.throwIfAborted();
      const index = next++;
      try {
        await fn(index);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  if (failed !== undefined) throw failed;
}
