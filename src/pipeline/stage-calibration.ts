import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STAGES, type Stage } from '../domain/stages.js';
import { writeFileAtomic } from '../providers/media/atomic-file.js';

/** Seconds of work per second of finished video, per stage. */
export type StageRates = Readonly<Record<Stage, number>>;

/**
 * Rates used before any job has finished on this machine: roughly the offline providers on two
 * cores (the render dominates; an LLM script or remote images make the first job's ETA rougher).
 */
export const DEFAULT_STAGE_RATES: StageRates = {
  brief: 0.01,
  script: 0.05,
  narration: 0.1,
  visuals: 0.1,
  render: 0.5,
  post: 0.02,
};

/** How many finished jobs the calibration file keeps. */
export const CALIBRATION_HISTORY = 20;

/** The calibration file's name inside the data directory. */
export const CALIBRATION_FILE = 'calibration.json';

/** One finished job's stage rates, as stored. */
interface CalibrationEntry {
  at: string;
  videoSeconds: number;
  rates: Record<Stage, number>;
}

/** What {@link loadStageCalibration} found. */
export interface StageCalibration {
  rates: StageRates;
  /** Finished jobs the rates come from (0 = defaults). */
  samples: number;
}

function validEntry(value: unknown): value is CalibrationEntry {
  if (typeof value !== 'object' || value === null) return false;
  const rates = (value as { rates?: unknown }).rates;
  if (typeof rates !== 'object' || rates === null) return false;
  return STAGES.every((s) => {
    const r = (rates as Record<string, unknown>)[s];
    return typeof r === 'number' && Number.isFinite(r) && r >= 0;
  });
}

async function readEntries(dataDir: string): Promise<CalibrationEntry[]> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(dataDir, CALIBRATION_FILE), 'utf8'));
    const jobs = (parsed as { jobs?: unknown } | null)?.jobs;
    // A damaged or foreign file is ignored, never fatal: the ETA only gets rougher.
    return Array.isArray(jobs) ? jobs.filter(validEntry) : [];
  } catch {
    return [];
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * The per-stage medians of the jobs recorded in `<dataDir>/calibration.json`, or
 * {@link DEFAULT_STAGE_RATES} when there is no usable history (missing or corrupted file).
 */
export async function loadStageCalibration(dataDir: string): Promise<StageCalibration> {
  const entries = await readEntries(dataDir);
  if (entries.length === 0) return { rates: DEFAULT_STAGE_RATES, samples: 0 };
  const rates = {} as Record<Stage, number>;
  for (const s of STAGES) rates[s] = median(entries.map((e) => e.rates[s]));
  return { rates, samples: entries.length };
}

/**
 * Appends one finished job (stage durations in ms, video length in seconds) to the calibration
 * file, keeping the last {@link CALIBRATION_HISTORY}; written atomically. Two jobs finishing at
 * the same instant may lose one entry, which only costs one sample.
 */
export async function recordStageCalibration(
  dataDir: string,
  stageMs: Readonly<Partial<Record<Stage, number>>>,
  videoSeconds: number,
  at: Date,
): Promise<void> {
  if (!(videoSeconds > 0) || !STAGES.every((s) => typeof stageMs[s] === 'number')) return;
  const rates = {} as Record<Stage, number>;
  for (const s of STAGES) rates[s] = Math.round(((stageMs[s] ?? 0) / 1000 / videoSeconds) * 1e5) / 1e5;
  const jobs = [...(await readEntries(dataDir)), { at: at.toISOString(), videoSeconds, rates }];
  const body = { version: 1, jobs: jobs.slice(-CALIBRATION_HISTORY) };
  await writeFileAtomic(join(dataDir, CALIBRATION_FILE), `${JSON.stringify(body, null, 2)}\n`);
}

/** Stage weights (sum 100) proportional to the calibrated time of each stage, at least 0.5 each. */
export function weightsFromRates(rates: StageRates): Record<Stage, number> {
  const total = STAGES.reduce((sum, s) => sum + rates[s], 0);
  const raw = {} as Record<Stage, number>;
  for (const s of STAGES) raw[s] = total > 0 ? Math.max(0.5, (rates[s] / total) * 100) : 100 / STAGES.length;
  const sum = STAGES.reduce((acc, s) => acc + raw[s], 0);
  for (const s of STAGES) raw[s] = (raw[s] / sum) * 100;
  return raw;
}
