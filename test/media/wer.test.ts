import { describe, expect, it } from 'vitest';
import { normaliseWords, spellNumber, wordErrorRate } from '../../bench/lib/wer.js';

describe('voice benchmark word error rate', () => {
  it('spells numbers as spoken', () => {
    expect(spellNumber(0)).toBe('zero');
    expect(spellNumber(42)).toBe('forty two');
    expect(spellNumber(305)).toBe('three hundred five');
    expect(spellNumber(1969)).toBe('one thousand nine hundred sixty nine');
    expect(spellNumber(2_000_000)).toBe('two million');
  });

  it('normalises case, punctuation, numbers and apostrophes', () => {
    expect(normaliseWords('The Moon’s pull: 2 tides, 50% of days!')).toEqual([
      'the',
      "moon's",
      'pull',
      'two',
      'tides',
      'fifty',
      'percent',
      'of',
      'days',
    ]);
  });

  it('counts substitutions, deletions and insertions over reference words', () => {
    expect(wordErrorRate('the quick brown fox', 'the quick brown fox').wer).toBe(0);
    expect(wordErrorRate('the quick brown fox', 'the quack brown').edits).toBe(2);
    expect(wordErrorRate('the quick brown fox', 'a the quick brown fox').wer).toBe(0.25);
    expect(wordErrorRate('', 'anything').wer).toBe(0);
  });
});
