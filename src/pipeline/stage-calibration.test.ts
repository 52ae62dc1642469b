import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CALIBRATION_FILE,
  CALIBRATION_HISTORY,
  DEFAULT_STAGE_RATES,
  loadStageCalibration,
  recordStageCalibration,
  weightsFromRates,
} from './stage-calibration.js';

const ms = (render: number) => ({ brief: 0, script: 600, narration: 1200, visuals: 1200, render, post: 600 });
const at = new Date(0);

describe('stage calibration', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reelay-calibration-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('falls back to the defaults without history', async () => {
    expect(await loadStageCalibration(dir)).toEqual({ rates: DEFAULT_STAGE_RATES, samples: 0 });
  });

  it('falls back to the defaults on a corrupted file, and recording repairs it', async () => {
    await writeFile(join(dir, CALIBRATION_FILE), '{"jobs": [ {"rates": nope');
    expect(await loadStageCalibration(dir)).toEqual({ rates: DEFAULT_STAGE_RATES, samples: 0 });
    await writeFile(join(dir, CALIBRATION_FILE), JSON.stringify({ jobs: [{ rates: { render: 'x' } }, 7] }));
    expect((await loadStageCalibration(dir)).samples).toBe(0);
    await recordStageCalibration(dir, ms(30_000), 60, at);
    expect((await loadStageCalibration(dir)).samples).toBe(1);
  });

  it('stores seconds of stage per second of video and takes the median per stage', async () => {
    await recordStageCalibration(dir, ms(30_000), 60, at);
    await recordStageCalibration(dir, ms(60_000), 60, at);
    await recordStageCalibration(dir, ms(12_000), 12, at); // 1 s per second of video
    const c = await loadStageCalibration(dir);
    expect(c.samples).toBe(3);
    expect(c.rates.render).toBeCloseTo(1, 5); // median of 0.5, 1, 1
    expect(c.rates.script).toBeCloseTo(0.01, 5);
  });

  it('keeps a bounded history and ignores incomplete runs', async () => {
    for (let i = 0; i < CALIBRATION_HISTORY + 5; i++) await recordStageCalibration(dir, ms(6_000), 60, at);
    await recordStageCalibration(dir, { render: 1 }, 60, at);
    await recordStageCalibration(dir, ms(6_000), 0, at);
    const stored = JSON.parse(await readFile(join(dir, CALIBRATION_FILE), 'utf8')) as { jobs: unknown[] };
    expect(stored.jobs).toHaveLength(CALIBRATION_HISTORY);
  });

  it('turns rates into weights that sum to 100 and follow time', () => {
    const w = weightsFromRates({
      brief: 0,
      script: 0.01,
      narration: 0.02,
      visuals: 0.02,
      render: 0.9,
      post: 0.05,
    });
    const sum = Object.values(w).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(100, 6);
    expect(w.render).toBeGreaterThan(85);
    expect(w.brief).toBeGreaterThan(0);
  });
});
