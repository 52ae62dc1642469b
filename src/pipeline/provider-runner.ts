import type { ProviderKind } from '../domain/provider-type.js';
import type { Stage } from '../domain/stages.js';

/** Which provider kind each pipeline stage calls. */
export const STAGE_KIND: Readonly<Partial<Record<Stage, ProviderKind>>> = {
  script: 'llm',
  narration: 'tts',
  visuals: 'image',
  render: 'video',
};

// The stage call is the router's input type; the pipeline makes them.
export type { ProviderRunner, StageCall, StageCallResult } from '../routing/stage-call.js';
