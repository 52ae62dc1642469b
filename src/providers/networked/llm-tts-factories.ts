import { OllamaProvider } from '../llm/ollama-provider.js';
import { OpenAiChatProvider } from '../llm/openai-chat-provider.js';
import { ElevenLabsProvider } from '../tts/elevenlabs-provider.js';
import { OpenAiSpeechProvider } from '../tts/openai-speech-provider.js';
import type { NetworkedFactory } from './networked-factory.js';

/** Factories of the networked LLM and TTS adapters, keyed by provider id. */
export const LLM_TTS_FACTORIES: Readonly<Record<string, NetworkedFactory>> = {
  openai: {
    keyEnvVar: 'OPENAI_API_KEY',
    create: (s, apiKey, deps) =>
      new OpenAiChatProvider({
        ...deps,
        apiKey,
        baseUrl: s.baseUrl,
        model: s.model,
        priority: s.priority,
        costModel: s.costModel,
        keyEnvVar: s.apiKeyEnv,
      }),
  },
  ollama: {
    optIn: true,
    create: (s, _apiKey, deps) =>
      new OllamaProvider({ ...deps, baseUrl: s.baseUrl, model: s.model, priority: s.priority }),
  },
  elevenlabs: {
    keyEnvVar: 'ELEVENLABS_API_KEY',
    create: (s, apiKey, deps) =>
      new ElevenLabsProvider({
        ...deps,
        apiKey: apiKey ?? '',
        baseUrl: s.baseUrl,
        voiceId: s.voice,
        modelId: s.model,
        priority: s.priority,
        costModel: s.costModel,
        keyEnvVar: s.apiKeyEnv,
      }),
  },
  'openai-speech': {
    keyEnvVar: 'OPENAI_API_KEY',
    create: (s, apiKey, deps) =>
      new OpenAiSpeechProvider({
        ...deps,
        apiKey,
        baseUrl: s.baseUrl,
        model: s.model,
        voice: s.voice,
        priority: s.priority,
        costModel: s.costModel,
        keyEnvVar: s.apiKeyEnv,
      }),
  },
};
