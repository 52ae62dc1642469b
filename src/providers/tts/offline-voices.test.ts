import { describe, expect, it } from 'vitest';
import { plainSpeechText } from './command-tts.js';
import { parseFestivalVoices } from './festival.js';
import { parseFliteVoices } from './flite.js';
import { defaultOfflineVoice, matchOfflineVoice, speakerOf } from './offline-voices.js';

describe('offline voice lists and mapping', () => {
  it('parses festival and flite voice lists', () => {
    expect(parseFestivalVoices('(cmu_us_slt_arctic_hts kal_diphone)\n')).toEqual([
      'cmu_us_slt_arctic_hts',
      'kal_diphone',
    ]);
    expect(parseFestivalVoices('nil\n')).toEqual([]);
    expect(parseFliteVoices('Voices available: kal awb_time kal16 awb rms slt \n')).toEqual([
      'kal',
      'kal16',
      'awb',
      'rms',
      'slt',
    ]);
  });

  it('finds the speaker of a voice name', () => {
    expect(speakerOf('cmu_us_slt_arctic_hts')).toBe('slt');
    expect(speakerOf('voice_kal_diphone')).toBe('kal');
    expect(speakerOf('rms')).toBe('rms');
  });

  it('matches exact names, speakers and portable ids, preferring the better-ranked voice', () => {
    const festival = ['kal_diphone', 'cmu_us_slt_arctic_clunits', 'cmu_us_slt_arctic_hts'];
    const rank = (v: string) => (v.endsWith('_hts') ? 0 : 1);
    expect(matchOfflineVoice(festival, 'KAL_DIPHONE', rank)).toBe('kal_diphone');
    expect(matchOfflineVoice(festival, 'slt', rank)).toBe('cmu_us_slt_arctic_hts');
    expect(matchOfflineVoice(festival, 'female', rank)).toBe('cmu_us_slt_arctic_hts');
    expect(matchOfflineVoice(festival, 'male', rank)).toBe('kal_diphone');
    expect(matchOfflineVoice(['kal', 'slt'], 'cmu_us_slt_arctic_hts')).toBe('slt');
    expect(matchOfflineVoice(['kal'], 'female')).toBeUndefined();
    expect(matchOfflineVoice(['kal'], '')).toBeUndefined();
  });

  it('defaults to the most intelligible installed speaker', () => {
    expect(defaultOfflineVoice(['kal', 'awb', 'slt'])).toBe('slt');
    expect(defaultOfflineVoice(['kal', 'awb'])).toBe('awb');
    expect(defaultOfflineVoice(['zzz'])).toBe('zzz');
    expect(defaultOfflineVoice([])).toBeUndefined();
  });
});

describe('plainSpeechText', () => {
  it('rewrites typographic punctuation as ASCII so festival and flite do not spell words out', () => {
    expect(plainSpeechText('Let’s see “why” — they’re here…')).toBe('Let\'s see "why" ,  they\'re here...');
  });
});
