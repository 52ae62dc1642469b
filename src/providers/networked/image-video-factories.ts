import { OpenAiImagesProvider } from '../image/openai-images-provider.js';
import { StableDiffusionProvider } from '../image/stable-diffusion-provider.js';
import { HeyGenProvider } from '../video/heygen-provider.js';
import { RunwayProvider } from '../video/runway-provider.js';
import type { NetworkedFactory } from './networked-factory.js';

/**
 * Factories of the networked image and video adapters, keyed by provider id. Owned by the
 * image/video adapters; {@link NETWORKED_FACTORIES} merges it with the LLM/TTS ones.
 *
 * Settings used: `baseUrl`, `model` (SD checkpoint, OpenAI image model, HeyGen avatar id, Runway
 * model), `voice` (HeyGen voice id), `priority`, `costModel`, `pollIntervalMs`, `apiKeyEnv`.
 * `stable-diffusion` is opt-in (a local WebUI may not exist) and needs no key; when `apiKeyEnv`
 * is set, that variable holds `user:password` for a WebUI started with `--api-auth`.
 */
export const IMAGE_VIDEO_FACTORIES: Readonly<Record<string, NetworkedFactory>> = {
  'stable-diffusion': {
    optIn: true,
    keyRequired: false,
    create: (s, apiKey, deps) =>
      new StableDiffusionProvider({
        ...deps,
        baseUrl: s.baseUrl,
        model: s.model,
        apiAuth: apiKey,
        priority: s.priority,
        costModel: s.costModel,
        pollIntervalMs: s.pollIntervalMs,
      }),
  },
  'openai-images': {
    keyEnvVar: 'OPENAI_API_KEY',
    create: (s, apiKey, deps) =>
      new OpenAiImagesProvider({
        ...deps,
        apiKey: apiKey ?? '',
        baseUrl: s.baseUrl,
        model: s.model,
        priority: s.priority,
        costModel: s.costModel,
        keyEnvVar: s.apiKeyEnv,
      }),
  },
  heygen: {
    keyEnvVar: 'HEYGEN_API_KEY',
    create: (s, apiKey, deps) =>
      new HeyGenProvider({
        ...deps,
        apiKey: apiKey ?? '',
        avatarId: s.model,
        voiceId: s.voice,
        baseUrl: s.baseUrl,
        priority: s.priority,
        costModel: s.costModel,
        pollIntervalMs: s.pollIntervalMs,
        keyEnvVar: s.apiKeyEnv,
      }),
  },
  runway: {
    keyEnvVar: 'RUNWAYML_API_SECRET',
    create: (s, apiKey, deps) =>
      new RunwayProvider({
        ...deps,
        apiKey: apiKey ?? '',
        baseUrl: s.baseUrl,
        model: s.model,
        priority: s.priority,
        costModel: s.costModel,
        pollIntervalMs: s.pollIntervalMs,
        keyEnvVar: s.apiKeyEnv,
      }),
  },
};
