/**
 * Helpers for the pipeline integration tests (test/pipeline): a container on a temporary data
 * directory with small, fast defaults, small requests, and bounded waits on a job's events that
 * fail with a clear message instead of hanging.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ReelayConfig } from '../../src/config/app-config.js';
import { DEFAULT_TIMEOUT_PROFILES } from '../../src/config/timeout-profile-defaults.js';
import { TimeoutProfileConfigSchema } from '../../src/config/timeout-profile-schema.js';
import { type StoredEvent, TERMINAL_EVENT_TYPES } from '../../src/domain/events.js';
import { type CreateReelayOptions, createReelay, type Reelay } from '../../src/jobs/create-reelay.js';
import type { JobRecord } from '../../src/jobs/job-record.js';
import type { ReelayService } from '../../src/jobs/reelay-service.js';
import type { VideoRequestInput } from '../../src/pipeline/video-request.js';

/** Generous limit for one small job with real FFmpeg and espeak-ng, in ms. */
export const JOB_LIMIT_MS = 45_000;

/** A fresh directory under the OS temp dir; remove it with {@link removeDir}. */
export function tempDir(prefix = 'reelay-pipeline-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Removes a directory tree; missing is fine. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * The configuration of a test container: data (SQLite, work dirs, videos) under `dataDir`, no
 * config file (the cwd is the temp dir), no keys.
 */
export function testConfig(dataDir: string, env: NodeJS.ProcessEnv = {}): ReelayConfig {
  return loadConfig({ REELAY_DATA_DIR: dataDir, ...env }, dataDir);
}

/** Options of {@link startReelay}: anything `createReelay` takes except the config. */
export type StartOptions = Partial<Omit<CreateReelayOptions, 'config'>> & {
  /** Environment variables on top of the data directory (e.g. `REELAY_WORKER_CONCURRENCY`). */
  env?: NodeJS.ProcessEnv;
};

/**
 * A container on `dataDir` with test defaults: offline providers only, `ultrafast` x264, a 50 ms
 * idle poll, pre-flight on, no background health checks (deterministic selection).
 */
export function startReelay(dataDir: string, options: StartOptions = {}): Promise<Reelay> {
  const { env, ...rest } = options;
  return createReelay({
    config: testConfig(dataDir, env),
    networked: false,
    healthChecks: false,
    pollIntervalMs: 50,
    preflight: true,
    ...rest,
    composer: { preset: 'ultrafast', ...rest.composer },
  });
}

/**
 * Registers espeak-ng as the only offline voice: for tests about falling back to "the offline
 * voice" that name it and count its calls (festival and flite rank above it by default).
 */
export const ESPEAK_ONLY = { narration: ['espeak'] } as const;

/** The brief every pipeline test narrates (deterministic with the template writer). */
export const TEST_BRIEF =
  'Explain how rainbows form. Sunlight enters raindrops, bends, reflects inside and splits into colours.';

/** A small, fast request: 480×270 at 15 fps, no motion, about 12 s in two scenes. */
export function smallRequest(overrides: Partial<VideoRequestInput> = {}): VideoRequestInput {
  const { options, ...rest } = overrides;
  return {
    brief: TEST_BRIEF,
    durationMinutes: 0.2,
    ...rest,
    options: { width: 480, height: 270, fps: 15, motion: false, density: 'dense', ...options },
  };
}

/**
 * Resolves with the first event of the job that matches `predicate` (events already stored count
 * too); rejects after `limitMs` naming what it waited for and the last events seen.
 */
export function waitForEvent(
  service: ReelayService,
  jobId: string,
  predicate: (event: StoredEvent) => boolean,
  what: string,
  limitMs = JOB_LIMIT_MS,
): Promise<StoredEvent> {
  return new Promise((resolve, reject) => {
    const seen: StoredEvent[] = [];
    let settled = false;
    const finish = (event: StoredEvent | undefined, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sub.dispose();
      if (event) resolve(event);
      else reject(error);
    };
    const offer = (event: StoredEvent): void => {
      if (seen.some((e) => e.id === event.id)) return;
      seen.push(event);
      if (predicate(event)) finish(event);
    };
    const timer = setTimeout(() => {
      const tail = seen
        .sort((a, b) => a.id - b.id)
        .slice(-8)
        .map((e) => `${e.id}:${e.type}${'stage' in e ? `(${e.stage})` : ''}`)
        .join(', ');
      finish(
        undefined,
        new Error(`Job ${jobId}: no ${what} within ${limitMs} ms; last events: ${tail || 'none'}`),
      );
    }, limitMs);
    const sub = service.subscribe(jobId, offer);
    service.readEvents(jobId, 0).then(
      (events) => {
        for (const event of events) offer(event);
      },
      (error: unknown) => finish(undefined, error as Error),
    );
  });
}

/** What a finished job left: its record and every stored event, in id order. */
export interface FinishedJob {
  job: JobRecord;
  events: StoredEvent[];
}

/**
 * Waits until the job's terminal event (`done`, `error`, `canceled`) is stored and the worker has
 * finished with it, then returns the record and all its events.
 */
export async function waitForEnd(
  reelay: Reelay,
  jobId: string,
  limitMs = JOB_LIMIT_MS,
): Promise<FinishedJob> {
  await waitForEvent(
    reelay.service,
    jobId,
    (e) => TERMINAL_EVENT_TYPES.has(e.type),
    'terminal event',
    limitMs,
  );
  await reelay.runner.waitFor(jobId);
  await reelay.sink.flush(jobId);
  const job = await reelay.service.getJob(jobId);
  if (!job) throw new Error(`Job ${jobId} disappeared from the store`);
  return { job, events: await reelay.service.readEvents(jobId, 0) };
}

/** Resolves as `promise` does, or rejects after `limitMs` saying what did not happen. */
export async function within<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Gave up after ${limitMs} ms waiting for ${what}`)), limitMs);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** Events of one type, typed. */
export function ofType<T extends StoredEvent['type']>(
  events: readonly StoredEvent[],
  type: T,
): Array<Extract<StoredEvent, { type: T }>> {
  return events.filter((e): e is Extract<StoredEvent, { type: T }> => e.type === type);
}

/**
 * Writes `tiny-cloud-llm.json` into `dir`: the default timeout profiles with cloud_llm patience
 * shrunk to a 200 ms heartbeat × 2, so a chat stream 400 ms without a token is a suspected stall.
 * Returns its path, for `REELAY_TIMEOUT_PROFILES`.
 */
export async function writeTinyCloudLlmProfile(dir: string, description: string): Promise<string> {
  const profile = structuredClone(DEFAULT_TIMEOUT_PROFILES);
  profile.providerTypes.cloud_llm = {
    description,
    normalMs: 300,
    extendedMs: 600,
    deepWaitMs: 1200,
    heartbeatIntervalMs: 200,
    stallMultiplier: 2,
  };
  const profilePath = join(dir, 'tiny-cloud-llm.json');
  await writeFile(profilePath, JSON.stringify(TimeoutProfileConfigSchema.parse(profile)));
  return profilePath;
}
