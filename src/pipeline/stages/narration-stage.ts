import type { SynthesizeResult, TtsProvider } from '../../domain/provider.js';
import { estimateSpeechUsage } from '../../routing/usage-estimate.js';
import type { PipelineContext } from '../pipeline-context.js';
import { estimateNarrationMs, WORDS_PER_MINUTE } from '../scene-timing.js';
import type { Script } from '../script-schema.js';

/** Narration of one scene. */
export interface SceneNarration {
  index: number;
  audioPath: string;
  /** Measured length of the audio. */
  durationMs: number;
  provider: string;
  /** True for captions-only (silent) narration. */
  silent: boolean;
}

/** Provider used as the last-resort degradation of narration. */
export const CAPTIONS_ONLY_PROVIDER = 'captions-only';

/**
 * Narration stage: one TTS call per scene, in order. Scenes run one after another so the voice
 * stays the same: after a switch the rest of the stage sticks to the new provider. Measured
 * durations (not estimates) drive the timeline.
 */
export async function runNarrationStage(ctx: PipelineContext, script: Script): Promise<SceneNarration[]> {
  const { request } = ctx;
  const scenes = script.scenes;
  const out: SceneNarration[] = [];
  let preferred = request.providers.tts;
  const used = new Set<string>();
  for (const [index, scene] of scenes.entries()) {
    const stepId = `narration-${index + 1}`;
    const label = `scene ${index + 1} of ${scenes.length}`;
    const done = await ctx.checkpoints.verified(stepId, ctx.signal);
    if (done) {
      out.push({
        index,
        audioPath: done.artifactPath,
        durationMs: Number(done.meta.durationMs),
        provider: String(done.meta.provider),
        silent: done.meta.silent === true,
      });
      used.add(String(done.meta.provider));
      continue;
    }
    ctx.progress.update('narration', index / scenes.length, `Narrating ${label}`);
    const outPath = ctx.workspace.narrationPath(index);
    const result = await ctx.runner.run<SynthesizeResult, TtsProvider>({
      jobId: ctx.jobId,
      correlationId: ctx.correlationId,
      stage: 'narration',
      kind: 'tts',
      policy: ctx.policy,
      signal: ctx.signal,
      label,
      estimatedUsage: estimateSpeechUsage(
        scene.narration,
        estimateNarrationMs(scene.narration, request.options.pacing),
      ),
      degradations: [CAPTIONS_ONLY_PROVIDER],
      // After the first scene a hedge may only repeat the same voice (docs/hedging.md#never).
      hedge: { continuesOutput: index > 0, ...(request.hedging ? { job: request.hedging } : {}) },
      ...(preferred ? { preferred } : {}),
      call: (provider, call) =>
        provider.synthesize(
          {
            text: scene.narration,
            outPath,
            language: request.options.language,
            wordsPerMinute: WORDS_PER_MINUTE[request.options.pacing],
            estimatedDurationMs: estimateNarrationMs(scene.narration, request.options.pacing),
            ...(request.voiceId ? { voice: request.voiceId } : {}),
          },
          call,
        ),
    });
    // Stick to whichever provider served this scene — including a degradation: once narration has
    // degraded, the rest of the stage stays consistent instead of retrying a broken voice per scene.
    preferred = result.provider.id;
    used.add(result.provider.id);
    const narration: SceneNarration = {
      index,
      audioPath: result.value.path,
      durationMs: result.value.durationMs,
      provider: result.provider.id,
      silent: result.value.silent === true,
    };
    await ctx.checkpoints.complete(stepId, narration.audioPath, {
      durationMs: narration.durationMs,
      provider: narration.provider,
      silent: narration.silent,
    });
    out.push(narration);
    ctx.progress.update('narration', (index + 1) / scenes.length, `Narrated ${label}`);
  }
  ctx.served('narration', [...used].join(' + '));
  return out;
}
