import { describe, expect, it } from 'vitest';
import { numberValue, parseArgs } from './arg-parser.js';
import type { CommandSpec } from './command-spec.js';
import { requestFromArgs } from './commands/generate-request.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './usage-error.js';

const byName = (name: string): CommandSpec => {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) throw new Error(name);
  return c;
};

function usage(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a UsageError');
}

describe('parseArgs: every command accepts its documented arguments', () => {
  const valid: Record<string, string[]> = {
    generate: [
      'A brief about tides',
      '--duration',
      '0.5',
      '--aspect',
      '9:16',
      '--voice',
      'en',
      '--llm',
      'template',
      '--tts',
      'espeak',
      '--images',
      'title-card',
      '--video',
      'ffmpeg',
      '--fallback',
      'ask',
      '-o',
      'v.mp4',
      '--width=320',
      '--height',
      '240',
      '--fps',
      '15',
      '--no-motion',
      '--json',
      '--server',
      'http://h:1',
    ],
    status: ['job_1', '--json'],
    cancel: ['job_1', '--reason', 'no longer needed'],
    decide: ['job_1', 'try_alternative', 'espeak', '--server', 'http://h:1', '--api-key', 'k'],
    decisions: ['job_1'],
    jobs: ['--status', 'failed', '--limit', '5'],
    providers: ['--no-check'],
    completion: ['bash'],
    download: ['job_1', 'out.mp4'],
    logs: ['job_1', '-f'],
    serve: ['--port', '0', '--host', '0.0.0.0', '--no-worker', '-p', '9000'],
    worker: ['--data-dir', '/tmp/x', '--metrics-port', '9464', '--log-format', 'json'],
    config: ['schema'],
    simulate: ['--port', '4010', '--scenario', 'examples/simulator-scenario.json'],
    doctor: ['--json'],
    prune: ['--dry-run', '--older-than', '7d', '--json'],
  };
  it('covers every command', () => {
    expect(Object.keys(valid).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
  for (const [name, argv] of Object.entries(valid)) {
    it(`${name}: ${argv.join(' ')}`, () => {
      const args = parseArgs(byName(name), argv);
      expect(args.positionals.length).toBeLessThanOrEqual(byName(name).positionals.length);
    });
  }

  it('reads values in both forms, booleans, short flags and the last of repeated flags', () => {
    const args = parseArgs(byName('generate'), [
      'brief text here',
      '--out=a.mp4',
      '-o',
      'b.mp4',
      '--no-motion',
    ]);
    expect(args).toEqual({ positionals: ['brief text here'], values: { out: 'b.mp4', 'no-motion': true } });
  });

  it('takes everything after -- as positionals, so a brief may start with a dash', () => {
    expect(parseArgs(byName('generate'), ['--', '--not a flag brief']).positionals).toEqual([
      '--not a flag brief',
    ]);
  });

  it('--help skips the positional checks', () => {
    expect(parseArgs(byName('decide'), ['--help']).values.help).toBe(true);
  });
});

describe('parseArgs: bad usage is a UsageError naming the problem', () => {
  it.each([
    ['generate', ['brief', '--bogus'], /Unknown flag --bogus for `reelay generate`/],
    ['generate', ['brief', '-x'], /Unknown flag -x/],
    ['generate', ['brief', '-abc'], /long flags take two dashes/],
    ['generate', [], /`reelay generate` needs <brief>/],
    ['generate', ['two', 'briefs'], /at most 1 argument\(s\); got 2 \(quote a brief that contains spaces\)/],
    ['generate', ['brief', '--aspect', '4:3'], /--aspect must be one of 16:9, 9:16, 1:1 \(got "4:3"\)/],
    ['generate', ['brief', '--fallback', 'maybe'], /--fallback must be one of ask, auto, off/],
    ['generate', ['brief', '--duration'], /--duration needs a value \(MIN\)/],
    ['generate', ['brief', '--out', '--json'], /--out needs a value/],
    ['generate', ['brief', '--no-motion=yes'], /--no-motion takes no value/],
    ['decide', ['job_1'], /needs <option>/],
    ['jobs', ['extra'], /takes at most 0 argument/],
    ['jobs', ['--status', 'lost'], /--status must be one of queued, running, done, failed, canceled/],
  ])('%s %j', (name, argv, message) => {
    expect(usage(() => parseArgs(byName(name), argv)).message).toMatch(message);
  });
});

describe('numberValue', () => {
  const spec = byName('serve');
  it('accepts the boundaries and refuses one past them', () => {
    const at = (v: string) =>
      numberValue(parseArgs(spec, ['--port', v]), 'port', { integer: true, min: 0, max: 65535 });
    expect(at('0')).toBe(0);
    expect(at('65535')).toBe(65535);
    expect(usage(() => at('65536')).message).toMatch(
      /--port must be an integer from 0 to 65535 \(got "65536"\)/,
    );
    expect(usage(() => at('-1')).message).toMatch(/from 0 to 65535/);
    expect(usage(() => at('8080.5')).message).toMatch(/an integer/);
    expect(usage(() => at('abc')).message).toMatch(/got "abc"/);
  });
});

describe('requestFromArgs', () => {
  it('maps the generate flags to a request, leaving defaults to the service', () => {
    const args = parseArgs(byName('generate'), [
      'How tides work',
      '--duration',
      '0.1',
      '--aspect',
      '1:1',
      '--images',
      'title-card',
      '--tts',
      'espeak',
      '--fallback',
      'ask',
      '--width',
      '320',
      '--fps',
      '15',
      '--no-motion',
      '--voice',
      'en-gb',
      '--pacing',
      'fast',
      '--language',
      'French',
      '--music',
      'calm.mp3',
    ]);
    expect(requestFromArgs(args)).toEqual({
      brief: 'How tides work',
      durationMinutes: 0.1,
      voiceId: 'en-gb',
      fallbackPolicy: 'ask',
      options: {
        aspect: '1:1',
        pacing: 'fast',
        language: 'French',
        music: 'calm.mp3',
        width: 320,
        fps: 15,
        motion: false,
      },
      providers: { image: 'title-card', tts: 'espeak' },
    });
    expect(requestFromArgs(parseArgs(byName('generate'), ['Just a brief']))).toEqual({
      brief: 'Just a brief',
    });
  });

  it('a malformed number is a usage error, not a request', () => {
    const args = parseArgs(byName('generate'), ['brief', '--duration', 'ten']);
    expect(usage(() => requestFromArgs(args)).message).toMatch(/--duration must be a number \(got "ten"\)/);
  });
});
