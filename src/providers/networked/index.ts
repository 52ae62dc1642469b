export * from './create-networked-providers.js';
export * from './image-video-factories.js';
export * from './llm-tts-factories.js';
export * from './networked-factory.js';
