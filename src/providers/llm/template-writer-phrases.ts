import { capitalize, inline } from './template-writer-text.js';

/** Angles a key point is seen from when it gets more than one scene (titles; '' = overview). */
export const ANGLES = [
  '',
  'Why It Matters',
  'How It Works',
  'An Example',
  'Common Pitfalls',
  'What to Remember',
  'A Closer Look',
  'In Everyday Life',
  'Questions People Ask',
  'The Big Picture',
];

/** Sentences for one angle (0 overview, 1 why it matters, …) on a subject `s`. */
export function angleSentences(angle: number, s: string, topic: string, audience: string): string[] {
  const who = /^general/i.test(audience) ? 'most of us' : audience;
  switch (angle) {
    case 1:
      return [
        `Why should we care about ${s}?`,
        `For ${who}, this is where it all gets practical.`,
        'Getting it right saves time and avoids costly mistakes.',
      ];
    case 2:
      return [
        `So what happens, step by step, with ${s}?`,
        'It comes down to a few simple steps that build on each other.',
        'Each step makes the next one easier.',
      ];
    case 3:
      return [
        'Picture a simple example.',
        `Imagine ${s} in action on an ordinary day.`,
        'The example shows the idea is practical, not just theory.',
      ];
    case 4:
      return [
        `A common mistake is to overlook ${s}.`,
        'Take a moment to check the basics before moving on.',
        'Small oversights here tend to grow later.',
      ];
    case 5:
      return [
        `If you remember one thing about ${s}, make it this: it is simpler than it looks.`,
        'Start small, and build from there.',
      ];
    case 6:
      return [
        `Let's take a closer look at ${s}.`,
        'The details are where the real understanding comes from.',
        'Notice how each part fits with the others.',
      ];
    case 7:
      return [
        `You can spot ${s} in everyday life.`,
        'Once you know what to look for, it shows up everywhere.',
        'That makes it easier to remember.',
      ];
    case 8:
      return [
        `People often ask about ${s}.`,
        'The short answer is that it depends on the situation, but the basics stay the same.',
        'Keep the basics in mind.',
      ];
    case 9:
      return [
        `Step back and look at the bigger picture of ${s}.`,
        `It connects to everything else about ${topic}.`,
        'Seeing those links makes the whole story clearer.',
      ];
    default:
      if (s === topic)
        return [
          'Here is the core idea.',
          'It is simpler than it first appears.',
          'Everything else builds on it.',
        ];
      return [
        `Much of ${topic} comes down to ${s}.`,
        `Here is what to keep in mind about ${s}.`,
        'It is simpler than it first appears.',
      ];
  }
}

const ACTION_LEAD =
  /^(?:to\s+)?(?:get|encourage|persuade|convince|help|make|invite|ask)\s+(?:the\s+)?(?:viewers?|people|users|customers|audience|them|readers)\s+(?:to\s+)?/i;

/** The call to action for a goal: an action for selling goals, a takeaway for teaching ones. */
export function goalSentences(goal: string, topic: string): string[] {
  const g = goal.trim().replace(/[.!]+$/, '');
  if (
    /sell|buy|purchase|sign|subscribe|register|join|book|try|download|order|contact|visit|donate|apply/i.test(
      g,
    )
  ) {
    const action = g.replace(ACTION_LEAD, '').replace(/^(?:to\s+)?(?:sell|promote|market)\s+/i, 'get ');
    return ['Ready to take the next step?', `${capitalize(action)} today.`];
  }
  const out: string[] = [];
  if (/educat|teach|inform|explain|learn|aware|understand/i.test(g)) {
    out.push(
      `Now you know the essentials of ${topic}.`,
      'Keep exploring, and put one idea into practice this week.',
    );
  }
  if (/engag|share|discuss|community|talk/i.test(g)) {
    out.push('Tell us what you think, and share this video with someone who would find it useful.');
  }
  if (out.length === 0)
    out.push(
      `Our aim was to ${inline(g.replace(/^to\s+/i, ''))}.`,
      'Take what helps you and make it your own.',
    );
  return out;
}

/** Neutral sentences that pad a scene to its length, varied by scene `i`. */
export function fillers(subjects: readonly string[], topic: string, i: number): string[] {
  const s = subjects.length > 0 ? (subjects[i % subjects.length] as string) : topic;
  return [
    'It is worth pausing on for a moment.',
    `Think about how this connects to ${s === topic ? 'what you already know' : s}.`,
    'Small choices here add up over time.',
    `The more you look at ${topic}, the clearer it gets.`,
    'Keep that in mind as we go on.',
    'It all fits together.',
  ];
}
