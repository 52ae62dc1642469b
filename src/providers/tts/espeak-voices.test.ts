import { describe, expect, it } from 'vitest';
import {
  hasVoice,
  parseVoiceList,
  splitIntoChunks,
  suggestVoices,
  voiceForLanguage,
} from './espeak-voices.js';

const LIST = `Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  cmn             --/M      Chinese_(Mandarin,_latin_as_English) sit/cmn              (zh-cmn 5)(zh 5)
 5  de              --/M      German             gmw/de
 5  en-gb           --/M      English_(Great_Britain) gmw/en
 5  en-us           --/M      English_(America)  gmw/en-US
 5  fr-fr           --/M      French_(France)    roa/fr
 5  pt              --/M      Portuguese_(Portugal) roa/pt
 5  pt-br           --/M      Portuguese_(Brazil) roa/pt-BR
`;
const voices = parseVoiceList(LIST);

describe('espeak voices', () => {
  it('parses the voices table with aliases', () => {
    expect(voices).toHaveLength(7);
    expect(voices[0]).toEqual({
      language: 'cmn',
      name: 'Chinese_(Mandarin,_latin_as_English)',
      file: 'sit/cmn',
      aliases: ['zh-cmn', 'zh'],
    });
  });

  it('knows voices by code, name, file, alias and with a +variant', () => {
    for (const v of ['en-us', 'EN-US', 'English_(America)', 'gmw/en-US', 'zh', 'en-us+f3'])
      expect(hasVoice(voices, v)).toBe(true);
    expect(hasVoice(voices, 'vulcan')).toBe(false);
  });

  it('maps language names and BCP 47 tags to installed voices', () => {
    expect(voiceForLanguage(voices, 'English')).toBe('en-us');
    expect(voiceForLanguage(voices, 'en-GB')).toBe('en-gb');
    expect(voiceForLanguage(voices, 'pt_BR')).toBe('pt-br');
    expect(voiceForLanguage(voices, 'de-AT')).toBe('de');
    expect(voiceForLanguage(voices, 'French')).toBe('fr-fr');
    expect(voiceForLanguage(voices, 'Vulcan')).toBeUndefined();
  });

  it('suggests nearby and common voices', () => {
    expect(suggestVoices(voices, 'pt-xx')).toEqual(['pt', 'pt-br', 'en-us', 'en-gb', 'fr-fr', 'de']);
  });
});

describe('splitIntoChunks', () => {
  it('keeps whole sentences together up to the limit', () => {
    expect(splitIntoChunks('One two. Three four! Five six?', 20)).toEqual([
      'One two. Three four!',
      'Five six?',
    ]);
  });

  it('splits an over-long sentence at word boundaries and never exceeds the limit', () => {
    const text = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const chunks = splitIntoChunks(text, 50);
    expect(chunks.every((c) => c.length <= 50)).toBe(true);
    expect(chunks.join(' ')).toBe(text);
  });

  it('normalises whitespace and drops empties', () => {
    expect(splitIntoChunks('  Hello\n\nworld.  ')).toEqual(['Hello world.']);
  });
});
