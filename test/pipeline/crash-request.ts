import type { VideoRequestInput } from '../../src/pipeline/video-request.js';
import { smallRequest } from '../support/pipeline-harness.js';

/**
 * The request the crash-and-resume child submits: three scenes, and motion on so that the render
 * (the step left to redo after the crash) takes long enough for the kill to land before it ends.
 */
export const CRASH_REQUEST: VideoRequestInput = smallRequest({
  durationMinutes: 0.4,
  options: { motion: true },
});
