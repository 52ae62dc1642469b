import { capitalize, inline } from './template-writer-text.js';

/**
 * Angles a key point is revisited from when there are more scenes than the brief has material for
 * (title suffixes). They ask the viewer to think rather than state facts the brief does not give.
 */
export const ANGLES = [
  'Why It Matters',
  'How It Fits',
  'In Everyday Life',
  'Questions to Ask',
  'A Closer Look',
  'What to Remember',
  'Putting It to Work',
  'The Big Picture',
  'Common Questions',
  'Try It Yourself',
  'Looking Back',
  'One More Time',
];

/**
 * Sentences for angle `angle` (an index into {@link ANGLES}) on a key phrase `s` of `topic`:
 * questions and prompts for the viewer, no claims of their own. `recall` is a statement from the
 * brief about `s` to repeat, when there is one.
 */
export function angleSentences(angle: number, s: string, topic: string, recall?: string): string[] {
  const again = recall ? [`Remember: ${inline(recall)}`] : [];
  switch (angle % ANGLES.length) {
    case 0:
      return [
        `What makes ${s} important for ${topic}?`,
        ...again,
        `Think about what would change without ${s}.`,
      ];
    case 1:
      return [
        `Consider the place of ${s} in ${topic}.`,
        ...again,
        `Try to link ${s} to the rest of the story.`,
      ];
    case 2:
      return [
        `Look for ${s} in everyday life.`,
        ...again,
        'Once you know what to look for, you start noticing it.',
      ];
    case 3:
      return [
        `What would you ask about ${s}?`,
        'Write your question down and look for the answer.',
        ...again,
      ];
    case 4:
      return [`Take a closer look at ${s}.`, ...again, 'Notice how each part connects to the next.'];
    case 5:
      return [`If you remember one thing, make it ${s}.`, ...again];
    case 6:
      return [`Think about how you could use what you know about ${s}.`, ...again];
    case 7:
      return [`Step back and see how ${s} connects to ${topic}.`, ...again];
    case 8:
      return [`People often have questions about ${s}.`, ...again, 'Asking them is how understanding grows.'];
    case 9:
      return [`Try explaining ${s} to a friend in your own words.`, ...again];
    case 10:
      return [`Look back at what we said about ${s}.`, ...again];
    default:
      return [`Let’s go over ${s} once more.`, ...again];
  }
}

/** Short prompts to the viewer, used only when a scene still needs words (varied by scene `i`). */
export function prompts(s: string, topic: string, i: number): string[] {
  const all = [
    `Think about the link between ${s} and ${topic}.`,
    `Try to picture ${s} in your mind.`,
    `Ask yourself what would change without ${s}.`,
    `Look out for ${s} around you.`,
    `Try to explain ${s} in your own words.`,
    `Keep ${s} in mind as we go on.`,
  ];
  return [...all.slice(i % all.length), ...all.slice(0, i % all.length)];
}

const ACTION_LEAD =
  /^(?:to\s+)?(?:get|encourage|persuade|convince|help|make|invite|ask)\s+(?:the\s+)?(?:viewers?|people|users|customers|audience|them|readers)\s+(?:to\s+)?/i;

/** True when a goal asks the viewer to act (buy, sign up, book …) rather than to learn. */
export function isActionGoal(goal: string): boolean {
  return /sell|buy|purchase|sign|subscribe|register|join|book|try|download|order|contact|visit|donate|apply/i.test(
    goal,
  );
}

/** `how tides work` → `how tides work`; `solar panels` → `the essentials of solar panels`. */
export function knowing(topic: string): string {
  return /^(?:how|why|what|where|when|who|which|whether)\b/i.test(topic)
    ? topic
    : `the essentials of ${topic}`;
}

/** The call to action for a goal: an action for selling goals, a takeaway for teaching ones. */
export function goalSentences(goal: string, topic: string): string[] {
  const g = goal.trim().replace(/[.!]+$/, '');
  if (isActionGoal(g)) {
    const action = g.replace(ACTION_LEAD, '').replace(/^(?:to\s+)?(?:sell|promote|market)\s+/i, 'get ');
    return ['Ready to take the next step?', `${capitalize(action)} today.`];
  }
  const out: string[] = [];
  if (/educat|teach|inform|explain|learn|aware|understand/i.test(g)) {
    out.push(`Now you know ${knowing(topic)}.`, 'Keep exploring, and put one idea into practice this week.');
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
