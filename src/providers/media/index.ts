export * from './atomic-file.js';
export * from './ffmpeg-info.js';
export * from './ffmpeg-process.js';
export * from './ffprobe.js';
export * from './media-errors.js';
export * from './progress-parser.js';
export * from './run-process.js';
