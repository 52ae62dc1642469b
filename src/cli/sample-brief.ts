import type { VideoRequestInput } from '../pipeline/video-request.js';

/** The brief `npm run demo` renders: about 45 seconds, 16:9, offline providers. */
export const SAMPLE_BRIEF: VideoRequestInput = {
  brief:
    'Explain how ocean tides work for curious teenagers. The Moon’s gravity pulls on the oceans and creates a bulge ' +
    'of water on the side facing it. A second bulge forms on the far side because the Earth is pulled toward the Moon ' +
    'more strongly than the distant water. As the Earth turns, every coast passes through both bulges, so most ' +
    'places see two high tides a day. The Sun adds its own pull: when Sun and Moon line up we get strong spring ' +
    'tides, and when they are at right angles we get weak neap tides. Finish by inviting viewers to check a tide table ' +
    'before their next beach walk.',
  durationMinutes: 0.75,
  style: 'friendly explainer',
  options: { audience: 'curious teenagers', tone: 'warm', pacing: 'conversational', density: 'balanced' },
};
