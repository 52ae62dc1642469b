import type { HeartbeatFn, HeartbeatKind } from './heartbeat.js';
import type { ProviderKind, ProviderType } from './provider-type.js';

/** What every provider operation receives besides its input. */
export interface ProviderCallContext {
  /** Aborted when the call must stop (cancel, switch, timeout). Honour it promptly. */
  signal: AbortSignal;
  /** Push progress as work advances; the gateway tells slow from stalled with it. */
  heartbeat: HeartbeatFn;
}

/** How a provider charges. Prices in US dollars. */
export interface CostModel {
  /** Unit the price applies to. */
  unit: 'free' | 'token_1k' | 'character' | 'image' | 'video_second' | 'audio_second' | 'request';
  /** Price per unit (for `token_1k`: per 1 000 tokens, input and output alike unless split). */
  usdPerUnit: number;
  /** For `token_1k`: price per 1 000 output tokens when it differs from input. */
  outputUsdPerUnit?: number;
}

/** Units of work one call consumed; used for cost and throughput. */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  characters?: number;
  images?: number;
  /** Seconds of audio or video produced. */
  seconds?: number;
  requests?: number;
}

/** What a provider can do; the selection engine filters on it. */
export interface ProviderCapabilities {
  /** How this provider reports progress. */
  heartbeat: HeartbeatKind;
  /** Streams partial output. */
  streaming?: boolean;
  /** Free-form feature tags required by requests, e.g. `json`, `ssml`, `portrait`. */
  features?: readonly string[];
  /** Languages supported (lower-case names or BCP 47 tags); absent = any. */
  languages?: readonly string[];
  /** Works without network access. */
  offline?: boolean;
  /**
   * The adapter's remote job (async render) is cancelled or deleted through the provider's
   * documented API when its call is aborted, so a hedge's losing job does not run on unseen.
   * Only such async calls may be hedged (docs/hedging.md).
   */
  canDeleteJob?: boolean;
}

/** Result of a provider health check: a real, cheap call. */
export interface HealthReport {
  healthy: boolean;
  /** How long the check took. */
  latencyMs: number;
  /** What was found, e.g. "12 models available" or "connection refused". */
  message: string;
}

/**
 * Version of the provider specification (the interfaces of this file). A provider declares the
 * version it implements so that a later, incompatible specification can refuse it clearly.
 */
export const PROVIDER_SPECIFICATION_VERSION = 'v1' as const;

/** A version of the provider specification. */
export type ProviderSpecificationVersion = typeof PROVIDER_SPECIFICATION_VERSION;

/** The part shared by every provider, whatever its kind. */
export interface ProviderSpec {
  /**
   * The specification version the provider implements. Optional while third-party providers
   * written before it was introduced are still accepted (they are treated as `v1`).
   */
  readonly specificationVersion?: ProviderSpecificationVersion;
  /** Stable id, e.g. `openai`, `espeak`. Used in configuration and audit records. */
  readonly id: string;
  /** Display name, e.g. `OpenAI`; used for profile mapping and messages. */
  readonly displayName: string;
  readonly kind: ProviderKind;
  /** Timeout-profile type governing patience for this provider. */
  readonly profileType: ProviderType;
  readonly capabilities: ProviderCapabilities;
  /** 1 (preferred) … 5 (last resort). */
  readonly priority: number;
  readonly costModel: CostModel;
  /** A real, cheap call that tells whether the provider can serve now. */
  healthCheck(signal: AbortSignal): Promise<HealthReport>;
}

/** One message of a chat exchange. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Input of {@link LlmProvider.chat}. */
export interface ChatRequest {
  messages: ChatMessage[];
  /** Model override; providers have their own default. */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** Ask for a JSON object response where the provider supports it. */
  json?: boolean;
}

/** Output of {@link LlmProvider.chat}. */
export interface ChatResult {
  text: string;
  model: string;
  usage: Usage;
  finishReason?: string;
}

/** A language model: writes scripts (as JSON scenes) and answers chats. */
export interface LlmProvider extends ProviderSpec {
  readonly kind: 'llm';
  chat(request: ChatRequest, ctx: ProviderCallContext): Promise<ChatResult>;
}

/** Input of {@link TtsProvider.synthesize}. */
export interface SynthesizeRequest {
  text: string;
  /** Where to write the audio (WAV unless `format` says otherwise). */
  outPath: string;
  voice?: string;
  language?: string;
  /** Words per minute. */
  wordsPerMinute?: number;
  /** Estimated duration when the provider cannot measure (captions-only). */
  estimatedDurationMs?: number;
}

/** Output of {@link TtsProvider.synthesize}. */
export interface SynthesizeResult {
  path: string;
  durationMs: number;
  format: 'wav' | 'mp3' | 'aac';
  usage: Usage;
  /** True when the audio carries no speech (captions-only degradation). */
  silent?: boolean;
}

/** Text to speech. */
export interface TtsProvider extends ProviderSpec {
  readonly kind: 'tts';
  synthesize(request: SynthesizeRequest, ctx: ProviderCallContext): Promise<SynthesizeResult>;
}

/** Input of {@link ImageProvider.renderImage}. */
export interface ImageRequest {
  /** Visual description of the scene. */
  prompt: string;
  title: string;
  caption: string;
  width: number;
  height: number;
  outPath: string;
  /** Scene position, for visibly different but deterministic output. */
  sceneIndex: number;
  sceneCount: number;
  style?: string;
  seed?: number;
}

/** Output of {@link ImageProvider.renderImage}. */
export interface ImageResult {
  path: string;
  width: number;
  height: number;
  usage: Usage;
}

/** Still images for scenes. */
export interface ImageProvider extends ProviderSpec {
  readonly kind: 'image';
  renderImage(request: ImageRequest, ctx: ProviderCallContext): Promise<ImageResult>;
}

/** One scene of a composed render. */
export interface RenderScene {
  index: number;
  imagePath: string;
  audioPath: string;
  durationMs: number;
  narration: string;
  title: string;
}

/** Input of {@link VideoProvider.renderVideo}. */
export interface VideoRenderRequest {
  scenes: RenderScene[];
  width: number;
  height: number;
  fps: number;
  codec: string;
  outPath: string;
  /** Directory for intermediate files (segments), kept for resume. */
  workDir: string;
  /** Subtitle file (SRT) to burn in, when wanted. */
  subtitlesPath?: string;
  motion?: boolean;
  crossfade?: boolean;
  musicPath?: string;
  videoBitrate?: string;
  audioBitrate?: string;
  /** Free-form prompt, for generative video providers. */
  prompt?: string;
}

/** Output of {@link VideoProvider.renderVideo}. */
export interface VideoRenderResult {
  path: string;
  durationMs: number;
  usage: Usage;
}

/** Video rendering: local composition or a remote generative job API. */
export interface VideoProvider extends ProviderSpec {
  readonly kind: 'video';
  renderVideo(request: VideoRenderRequest, ctx: ProviderCallContext): Promise<VideoRenderResult>;
}

/** Any provider. */
export type Provider = LlmProvider | TtsProvider | ImageProvider | VideoProvider;
