import { describe, expect, it } from 'vitest';
import { FESTIVAL_NATIVE_WPM, festivalSpeedRate, parseFestivalVoices } from './festival.js';

describe('festivalSpeedRate', () => {
  it('maps the wanted pace onto the HTS voice measured pace', () => {
    expect(festivalSpeedRate(FESTIVAL_NATIVE_WPM)).toBe(1);
    // The demo's conversational pace runs the voice below its own (faster) pace.
    expect(festivalSpeedRate(150)).toBeCloseTo(150 / 180, 5);
    expect(festivalSpeedRate(150)).toBeLessThan(0.9);
  });

  it('clamps to the range hts_engine accepts', () => {
    expect(festivalSpeedRate(10)).toBe(0.5);
    expect(festivalSpeedRate(1000)).toBe(2);
  });
});

describe('parseFestivalVoices', () => {
  it('reads the voice list and drops anything that is not a plain name', () => {
    expect(parseFestivalVoices('(cmu_us_slt_arctic_hts kal_diphone "x)")')).toEqual([
      'cmu_us_slt_arctic_hts',
      'kal_diphone',
    ]);
  });
});
