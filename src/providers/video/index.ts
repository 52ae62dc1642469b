export * from './ffmpeg-composer.js';
export * from './ffmpeg-composer-args.js';
export * from './ffmpeg-composer-inputs.js';
export * from './ffmpeg-composer-progress.js';
export * from './ffmpeg-composer-segment.js';
export * from './subtitles.js';
export * from './subtitles-ass.js';
