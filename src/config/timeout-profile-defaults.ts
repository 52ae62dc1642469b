import type { TimeoutProfileConfig } from './timeout-profile-schema.js';

/**
 * The shipped timeout profiles (docs/timeout-profiles.md), identical to `config/timeout-profiles.json`. Used
 * when no profile file exists; a test keeps the two in step.
 */
export const DEFAULT_TIMEOUT_PROFILES: TimeoutProfileConfig = {
  version: 1,
  providerTypes: {
    local_llm: {
      description: 'Local language models (Ollama): slow on modest hardware, stream tokens',
      normalMs: 30000,
      extendedMs: 180000,
      deepWaitMs: 300000,
      heartbeatIntervalMs: 15000,
      stallMultiplier: 3,
    },
    cloud_llm: {
      description: 'Hosted language models (OpenAI, Anthropic, Gemini, Azure)',
      normalMs: 15000,
      extendedMs: 60000,
      deepWaitMs: 120000,
      heartbeatIntervalMs: 5000,
      stallMultiplier: 4,
    },
    tts: {
      description: 'Text to speech, reports audio chunks',
      normalMs: 45000,
      extendedMs: 180000,
      deepWaitMs: 360000,
      heartbeatIntervalMs: 10000,
      stallMultiplier: 3,
    },
    image_gen: {
      description: 'Image generation, reports percent complete',
      normalMs: 60000,
      extendedMs: 240000,
      deepWaitMs: 480000,
      heartbeatIntervalMs: 20000,
      stallMultiplier: 2,
    },
    video_render: {
      description: 'Video rendering and composition',
      normalMs: 120000,
      extendedMs: 600000,
      deepWaitMs: 1800000,
      heartbeatIntervalMs: 30000,
      stallMultiplier: 2,
    },
    fallback_provider: {
      description: 'Deterministic offline fallbacks (rule-based, templates)',
      normalMs: 5000,
      extendedMs: 15000,
      deepWaitMs: 30000,
      heartbeatIntervalMs: 2000,
      stallMultiplier: 5,
    },
  },
  patienceProfiles: {
    conservative: {
      label: 'Conservative (Quick Results)',
      timeoutMultiplier: 0.7,
      stallMultiplier: 0.8,
    },
    balanced: {
      label: 'Balanced (Default)',
      timeoutMultiplier: 1,
      stallMultiplier: 1,
    },
    longForm: {
      label: 'Long-Form (Maximum Patience)',
      timeoutMultiplier: 2,
      stallMultiplier: 1.5,
    },
  },
  providerMapping: {
    Ollama: 'local_llm',
    RuleBased: 'fallback_provider',
    OpenAI: 'cloud_llm',
    Anthropic: 'cloud_llm',
    Gemini: 'cloud_llm',
    Azure: 'cloud_llm',
    ElevenLabs: 'tts',
    PlayHT: 'tts',
    Piper: 'tts',
    WindowsSAPI: 'tts',
    Mimic3: 'tts',
    StableDiffusion: 'image_gen',
    Replicate: 'image_gen',
    FFmpeg: 'video_render',
  },
  stallDialogOptions: {
    continue_30s: {
      label: 'Continue Waiting (30s)',
      extensionMs: 30000,
      requiresConfirmation: false,
    },
    continue_5m: {
      label: 'Continue Waiting (5 min)',
      extensionMs: 300000,
      requiresConfirmation: false,
    },
    try_alternative: {
      label: 'Try Alternative Provider',
      requiresConfirmation: true,
    },
    cancel_job: {
      label: 'Cancel Job',
      requiresConfirmation: true,
      offersPartialArtifacts: true,
    },
  },
  uiStates: {
    normal: {
      label: 'Active • Generating',
      color: '#0078d4',
    },
    extended: {
      label: 'Extended Wait • Still Working',
      color: '#ffa500',
    },
    deepWait: {
      label: 'Deep Wait • Long-Form Processing',
      color: '#ff6b6b',
    },
    stallSuspected: {
      label: 'Stall Suspected • Awaiting Response',
      color: '#cc0000',
      showFallbackButton: true,
    },
    error: {
      label: 'Error • Provider Failed',
      color: '#cc0000',
      openFallbackPanel: true,
    },
  },
  checkIntervalMs: 5000,
};
