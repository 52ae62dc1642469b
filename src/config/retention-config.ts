import { z } from 'zod';
import { ReelayError } from '../domain/errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A retention age: a whole number of minutes, hours, days or weeks (`90m`, `24h`, `30d`, `2w`), or `0` / `off` (keep forever). */
export const RETENTION_AGE_PATTERN = /^(0|off|\d{1,6}[mhdw])$/;

/**
 * Parses a retention age: `24h`, `30d`, `90m`, `2w`; `0` or `off` → null (keep forever).
 * @throws ReelayError REELAY_ERR_CONFIG naming `where` for anything else.
 * @example parseRetentionAge('30d', 'retention.videos') // 2_592_000_000
 */
export function parseRetentionAge(text: string, where: string): number | null {
  const value = text.trim().toLowerCase();
  if (value === '0' || value === 'off') return null;
  const match = /^(\d{1,6})([mhdw])$/.exec(value);
  const unit = match?.[2] ? UNIT_MS[match[2]] : undefined;
  if (!match?.[1] || unit === undefined) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `${where}="${text.slice(0, 40)}" is not a retention age: use e.g. 90m, 24h, 30d, 2w, or 0 / off to keep forever.`,
    );
  }
  return Number(match[1]) * unit;
}

const age = z.string().regex(RETENTION_AGE_PATTERN, 'an age such as 24h, 30d, 2w, or 0 / off (keep forever)');

/** `retention` in the config file. */
export const RetentionFileSchema = z
  .object({
    /** Age after a job ends at which its work directory is deleted. @default '24h' */
    workFiles: age.optional(),
    /** Age after a job completes at which its video is deleted. @default '30d' */
    videos: age.optional(),
    /** Age at which the OpenAI-compatible endpoint's upstream attempt records are deleted. @default '30d' */
    attempts: age.optional(),
  })
  .strict();

/** How long finished jobs' files are kept; null = forever. */
export interface RetentionConfig {
  /** Work directory (script, narration, images, segments) after the job ended. @default 24 h */
  workFilesMs: number | null;
  /** The finished video and its thumbnail after the job completed. @default 30 days */
  videosMs: number | null;
  /** Upstream attempt records of the OpenAI-compatible endpoint, after they started. @default 30 days */
  attemptsMs?: number | null;
}

/** Default ages: work files 24 h, videos 30 days, upstream attempt records 30 days. */
export const DEFAULT_RETENTION = { workFiles: '24h', videos: '30d', attempts: '30d' } as const;

/** Environment (`REELAY_RETENTION_WORK_FILES`, `REELAY_RETENTION_VIDEOS`, `REELAY_RETENTION_ATTEMPTS`) over the file over the defaults. */
export function retentionConfig(
  env: NodeJS.ProcessEnv,
  file: z.output<typeof RetentionFileSchema> | undefined,
): RetentionConfig {
  const pick = (name: string, fromFile: string | undefined, fallback: string) => {
    const fromEnv = env[name];
    return fromEnv !== undefined && fromEnv.trim() !== ''
      ? parseRetentionAge(fromEnv, name)
      : parseRetentionAge(fromFile ?? fallback, 'retention');
  };
  return {
    workFilesMs: pick('REELAY_RETENTION_WORK_FILES', file?.workFiles, DEFAULT_RETENTION.workFiles),
    videosMs: pick('REELAY_RETENTION_VIDEOS', file?.videos, DEFAULT_RETENTION.videos),
    attemptsMs: pick('REELAY_RETENTION_ATTEMPTS', file?.attempts, DEFAULT_RETENTION.attempts),
  };
}
