import { describe, expect, it } from 'vitest';
import { analyzeBrief } from './template-writer-analysis.js';
import { fitScenes, type Line } from './template-writer-fit.js';
import { joinTitles, keyPhrase } from './template-writer-phrasing.js';
import { partition, planBody, type Segment } from './template-writer-plan.js';
import { adaptSentence, CLOSING_REQUEST, closingRequest, splitSentence } from './template-writer-voice.js';

const closing = (sentence: string): string[] => {
  const m = CLOSING_REQUEST.exec(sentence);
  if (!m?.[1] || !m[2]) throw new Error(`not a closing request: ${sentence}`);
  return closingRequest(m[1], m[2]).sentences;
};

describe('topic and audience', () => {
  it('strips instruction words and a trailing audience from the topic', () => {
    const a = analyzeBrief('Explain how ocean tides work for curious teenagers. The Moon pulls the sea.');
    expect([a.topic, a.audience, a.title]).toEqual([
      'how ocean tides work',
      'curious teenagers',
      'How Ocean Tides Work',
    ]);
  });

  it('strips a leading audience and one that matches the audience option', () => {
    expect(analyzeBrief('Explain to young kids how rainbows form.').topic).toBe('how rainbows form');
    expect(
      analyzeBrief('Describe compound interest for the finance club.', { audience: 'finance club' }).topic,
    ).toBe('compound interest');
  });

  it('keeps a `for`/`to` that is not an audience', () => {
    expect(analyzeBrief('Explain how to bake bread.').topic).toBe('how to bake bread');
    expect(analyzeBrief('Explain why we need sleep for health.').audience).toBeUndefined();
  });

  it('skips style notes and opening requests, and attaches follow-up sentences to their point', () => {
    const a = analyzeBrief(
      'Explain volcanoes. Keep it light. Magma rises through cracks. It cools into rock.',
    );
    expect(a.points).toHaveLength(1);
    expect(a.points[0]?.statements).toEqual(['Magma rises through cracks.', 'It cools into rock.']);
  });
});

describe('key phrases and titles', () => {
  it.each([
    ['The Moon’s gravity pulls on the oceans.', 'the Moon’s gravity'],
    ['A second bulge forms on the far side because the Earth is pulled.', 'the second bulge'],
    [
      'As the Earth turns, every coast passes through both bulges, so most places see two high tides a day.',
      'two high tides a day',
    ],
    [
      'The Sun adds its own pull: when they line up we get strong spring tides, and otherwise weak neap tides.',
      'spring and neap tides',
    ],
    ['Debit cards draw from your account while credit cards borrow money.', 'debit and credit cards'],
  ])('%s → %s', (sentence, phrase) => {
    expect(keyPhrase(sentence)).toBe(phrase);
  });

  it('finds nothing in strict mode when only the first words are left', () => {
    expect(keyPhrase('When they meet you see it.', true)).toBeUndefined();
    expect(keyPhrase('When they meet you see it.')).toBe('when they meet');
  });

  it('joins titles as a list, or as a span when a title has its own "and"', () => {
    expect(joinTitles(['The Moon’s Gravity', 'The Second Bulge'])).toBe(
      'The Moon’s Gravity and the Second Bulge',
    );
    expect(joinTitles(['Two High Tides a Day', 'Spring and Neap Tides'])).toBe(
      'From Two High Tides a Day to Spring and Neap Tides',
    );
    expect(joinTitles(['Inverters', 'inverters'])).toBe('Inverters');
  });
});

describe('voice', () => {
  it('turns a perceiving "we" into "you" and contracts only mid-sentence', () => {
    expect(adaptSentence('when they are at right angles we get weak tides', { contractions: true })).toBe(
      'When they’re at right angles you get weak tides.',
    );
    expect(adaptSentence('We founded the company and they are happy.', { contractions: true })).toBe(
      'We founded the company and they’re happy.',
    );
    expect(adaptSentence('Yes, they are.', { contractions: true })).toBe('Yes, they are.');
    expect(adaptSentence('It is not hard.')).toBe('It is not hard.');
  });

  it('splits a long sentence at a clause boundary near the middle', () => {
    expect(
      splitSentence(
        'A second bulge forms on the far side because the Earth is pulled toward the Moon.',
        true,
      ),
    ).toEqual([
      'A second bulge forms on the far side.',
      'That’s because the Earth is pulled toward the Moon.',
    ]);
    expect(splitSentence('The Sun adds its own pull.')).toBeUndefined();
  });

  it.each([
    [
      'Finish by inviting viewers to check a tide table before their next beach walk',
      'Before your next beach walk, check a tide table.',
    ],
    ['End with a call to action to book a free survey', 'Book a free survey.'],
    ['Close by reminding viewers that they can start small', 'Remember: you can start small.'],
    ['Wrap up with a question: what would you build', 'What would you build?'],
    ['End with tips for homeowners', 'Before you go, look into tips for homeowners.'],
  ])('closing request "%s"', (request, said) => {
    expect(closing(request)).toEqual([said]);
  });

  it('gives no sentence for requests it cannot say without inventing, and flags recaps', () => {
    expect(closing('Finish by showing the logo')).toEqual([]);
    expect(closingRequest('with', 'a quick recap of the steps')).toEqual({ sentences: [], recap: true });
  });
});

describe('planning and fitting', () => {
  const seg = (words: number, point: number): Segment => ({
    point,
    kind: 'fact',
    sentences: [Array(words).fill('word').join(' ')],
    phrase: `p${point}`,
    title: `P${point}`,
    angle: 0,
    continued: false,
  });

  it('partitions neighbours into balanced groups', () => {
    const groups = partition([seg(18, 0), seg(21, 1), seg(19, 2), seg(29, 3)], 2);
    expect(groups.map((g) => g.map((s) => s.point))).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('splits, then revisits, when there are more scenes than points', () => {
    const points = [
      {
        phrase: 'the bulge',
        title: 'The Bulge',
        statements: ['A bulge forms on the far side because the Earth is pulled.'],
      },
    ];
    const plan = planBody(points, 3);
    expect(plan.map((g) => g[0]?.kind)).toEqual(['fact', 'fact', 'angle']);
    expect(plan[1]?.[0]?.sentences).toEqual(['That is because the Earth is pulled.']);
  });

  it('fits optional lines by priority within the budget, and shortens required ones when too long', () => {
    const line = (
      text: string,
      pos: number,
      required: boolean,
      prio = 0,
      extra: Partial<Line> = {},
    ): Line => ({
      text,
      pos,
      required,
      prio,
      ...extra,
    });
    const [a] = fitScenes(
      [
        [
          line('one two three four', 1, true),
          line('five six seven eight', 0, false, 1),
          line('nine ten', 2, false, 2),
        ],
      ],
      8,
    );
    expect(a).toBe('five six seven eight one two three four');
    const [b] = fitScenes([[line('a b c d e f g h i j k l', 0, true, 0, { short: 'a b c d.' })]], 4);
    expect(b).toBe('a b c d.');
  });
});
