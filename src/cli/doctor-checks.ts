import { randomUUID } from 'node:crypto';
import { mkdir, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../domain/errors.js';
import type { ProviderSpec } from '../domain/provider.js';
import { redactKeyLike } from '../domain/redact.js';
import { type FfmpegRequirements, requireFfmpeg } from '../providers/media/ffmpeg-info.js';
import { type MediaToolPaths, mediaToolPaths } from '../providers/media/media-tools.js';
import { runProcess } from '../providers/media/run-process.js';
import type { SkippedProvider } from '../providers/networked/create-networked-providers.js';

/** The outcome of one `reelay doctor` check. */
export interface DoctorCheck {
  name: string;
  status: 'ok' | 'fail' | 'skip';
  message: string;
  /** What to do, for failures and skips. */
  fix?: string;
}

/** Free space below which the data directory fails the check (matches readiness). @default 200 MB */
export const MIN_FREE_BYTES = 200 * 1024 * 1024;

/**
 * FFmpeg and ffprobe present at the configured paths (default: those set by
 * `configureMediaTools`), with the filters and encoders the composer needs.
 */
export async function checkFfmpeg(
  requirements: FfmpegRequirements,
  signal?: AbortSignal,
  paths: MediaToolPaths = mediaToolPaths(),
): Promise<DoctorCheck> {
  const at = { ffmpegPath: paths.ffmpeg, ffprobePath: paths.ffprobe, refresh: true };
  try {
    const info = await requireFfmpeg(requirements, signal ? { ...at, signal } : at);
    const needs = [...(requirements.encoders ?? []), `${requirements.filters?.length ?? 0} filters`].join(
      ', ',
    );
    return {
      name: 'ffmpeg',
      status: 'ok',
      message: `FFmpeg ${info.ffmpegVersion} (${paths.ffmpeg}), ffprobe ${info.ffprobeVersion} (${paths.ffprobe}); has ${needs} the composer needs`,
    };
  } catch (error) {
    return {
      name: 'ffmpeg',
      status: 'fail',
      message: errorMessage(error),
      fix: `Install FFmpeg with libx264 (Debian/Ubuntu: sudo apt-get install -y ffmpeg), or point ffmpegPath / ffprobePath in the config (REELAY_FFMPEG_PATH / REELAY_FFPROBE_PATH) at one; checked: ${paths.ffmpeg}, ${paths.ffprobe}`,
    };
  }
}

/** `espeak-ng --version` answers (offline narration). */
export async function checkEspeak(binary = 'espeak-ng', signal?: AbortSignal): Promise<DoctorCheck> {
  const fix =
    'Install espeak-ng (sudo apt-get install -y espeak-ng); without it narration degrades to captions only';
  try {
    const outcome = await runProcess(binary, ['--version'], {
      collectStdout: true,
      ...(signal ? { signal } : {}),
    });
    if (outcome.exitCode !== 0)
      return {
        name: 'espeak-ng',
        status: 'fail',
        message: `${binary} --version exited with ${outcome.exitCode}`,
        fix,
      };
    const version =
      outcome.stdout.match(/text-to-speech:\s*(\S+)/)?.[1] ?? outcome.stdout.trim().split('\n')[0] ?? '';
    return { name: 'espeak-ng', status: 'ok', message: `espeak-ng ${version}` };
  } catch (error) {
    return {
      name: 'espeak-ng',
      status: 'fail',
      message: `${binary} not found or not runnable (${errorMessage(error)})`,
      fix,
    };
  }
}

/** A directory exists (or can be created), is writable, and has `minFreeBytes` free. */
export async function checkDirectory(
  label: string,
  dir: string,
  minFreeBytes = MIN_FREE_BYTES,
): Promise<DoctorCheck> {
  const name = label;
  const probe = join(dir, `.reelay-doctor-${randomUUID()}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'ok');
    await rm(probe, { force: true });
  } catch (error) {
    return {
      name,
      status: 'fail',
      message: `${dir} is not writable (${errorMessage(error)})`,
      fix: 'Point REELAY_DATA_DIR / REELAY_OUTPUT_DIR (or --data-dir) at a writable directory',
    };
  }
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  const mb = Math.round(free / 1048576);
  if (free < minFreeBytes)
    return {
      name,
      status: 'fail',
      message: `${dir} is writable but only ${mb} MB are free`,
      fix: `Free at least ${Math.round(minFreeBytes / 1048576)} MB, or choose another directory`,
    };
  return { name, status: 'ok', message: `${dir} writable, ${mb} MB free` };
}

/** A provider's own health check (a real, cheap call), bounded by `timeoutMs`. */
export async function checkProvider(provider: ProviderSpec, timeoutMs = 10_000): Promise<DoctorCheck> {
  const name = `provider ${provider.id}`;
  try {
    const report = await provider.healthCheck(AbortSignal.timeout(timeoutMs));
    if (report.healthy)
      return { name, status: 'ok', message: `${redactKeyLike(report.message)} (${report.latencyMs} ms)` };
    return {
      name,
      status: 'fail',
      message: redactKeyLike(report.message),
      fix: `Check the URL, key and status of ${provider.displayName}; or disable it in reelay.config.json`,
    };
  } catch (error) {
    return {
      name,
      status: 'fail',
      message: `health check failed: ${redactKeyLike(errorMessage(error))}`,
      fix: `Check that ${provider.displayName} is reachable within ${Math.round(timeoutMs / 1000)} s`,
    };
  }
}

/** A networked provider that was not created (missing key, disabled, unknown id). */
export function skippedCheck(skipped: SkippedProvider): DoctorCheck {
  const envVar = skipped.skipped.match(/set ([A-Z][A-Z0-9_]*)/)?.[1];
  return {
    name: `provider ${skipped.id}`,
    status: 'skip',
    message: skipped.skipped,
    ...(envVar ? { fix: `export ${envVar}=… to enable it` } : {}),
  };
}

/** Doctor lines: `OK   name  message`, `FAIL name  message` + `     fix: …`. */
export function formatChecks(checks: readonly DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length), 4) + 2;
  const lines: string[] = [];
  for (const c of checks) {
    const tag = c.status === 'ok' ? 'OK  ' : c.status === 'fail' ? 'FAIL' : 'SKIP';
    lines.push(`${tag} ${c.name.padEnd(width)}${c.message}`);
    if (c.fix && c.status !== 'ok') lines.push(`     ${' '.repeat(width)}fix: ${c.fix}`);
  }
  return `${lines.join('\n')}\n`;
}
