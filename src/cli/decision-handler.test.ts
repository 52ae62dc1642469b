import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { ReelayError } from '../domain/errors.js';
import type { StoredEvent } from '../domain/events.js';
import type { DecisionAnswerInput, ReelayService } from '../jobs/reelay-service.js';
import { MemoryOutput } from './cli-test-io.js';
import { DecisionHandler } from './decision-handler.js';
import { LineReader } from './line-reader.js';

const base = { jobId: 'job_1', timestamp: '2026-05-01T09:00:10.000Z' };
const required = (decisionId = 'dec_1'): StoredEvent => ({
  ...base,
  id: 5,
  type: 'decision-required',
  decisionId,
  provider: 'flaky-tts',
  stage: 'narration',
  trigger: 'error',
  options: ['continue_30s', 'continue_5m', 'try_alternative', 'cancel_job'],
  alternatives: [{ provider: 'espeak', score: 79, reasons: [] }],
});

function setup(options: { reader: boolean; interactive: boolean; reject?: number; server?: string }) {
  const answers: DecisionAnswerInput[] = [];
  let rejections = options.reject ?? 0;
  const service = {
    answerDecision: async (_id: string, a: DecisionAnswerInput) => {
      if (rejections-- > 0) throw new ReelayError('REELAY_ERR_CONFLICT', 'already answered');
      answers.push(a);
    },
  } as unknown as ReelayService;
  const out = new MemoryOutput(options.interactive);
  const input = new PassThrough();
  const reader = options.reader ? new LineReader(input) : null;
  const handler = new DecisionHandler({
    service,
    jobId: 'job_1',
    out,
    reader,
    interactive: options.interactive,
    ...(options.server ? { server: options.server } : {}),
  });
  return { handler, out, input, answers, reader };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('DecisionHandler', () => {
  it('prompts, re-asks after an invalid line, and sends the chosen alternative with the decision id', async () => {
    const s = setup({ reader: true, interactive: true });
    s.handler.onEvent(required());
    await tick();
    expect(s.out.text).toMatch(
      /3\) Try espeak instead \(score 79\/100\)\n {2}4\) Cancel the job\nChoose 1-4: $/,
    );
    s.input.write('9\n');
    await vi.waitFor(() =>
      expect(s.out.text).toMatch(/"9" is not a choice: type a number from 1 to 4\.\nChoose 1-4: $/),
    );
    s.input.write('3\n');
    await vi.waitFor(() => expect(s.answers).toHaveLength(1));
    expect(s.answers[0]).toEqual({ option: 'try_alternative', provider: 'espeak', decisionId: 'dec_1' });
    expect(s.out.text).toMatch(/→ Try espeak instead/);
    s.reader?.close();
  });

  it('a refused answer is reported and the question asked again', async () => {
    const s = setup({ reader: true, interactive: true, reject: 1 });
    s.handler.onEvent(required());
    s.input.write('5m\n');
    await vi.waitFor(() =>
      expect(s.out.text).toMatch(/The answer was not accepted: already answered\nChoose 1-4: $/),
    );
    s.input.write('cancel\n');
    await vi.waitFor(() => expect(s.answers).toEqual([{ option: 'cancel_job', decisionId: 'dec_1' }]));
    s.reader?.close();
  });

  it('withdraws the prompt when the decision is answered elsewhere; later lines answer nothing', async () => {
    const s = setup({ reader: true, interactive: true });
    s.handler.onEvent(required());
    await tick();
    s.handler.onEvent({
      ...base,
      id: 6,
      type: 'decision-answered',
      decisionId: 'dec_1',
      option: 'continue_5m',
    });
    await tick();
    expect(s.out.text).toMatch(/\(the decision was answered or withdrawn\)\n$/);
    s.input.write('1\n');
    await tick();
    expect(s.answers).toEqual([]);
    s.reader?.close();
  });

  it('without a reader, prints the exact reelay decide command for every choice', async () => {
    const s = setup({ reader: false, interactive: false, server: 'http://h:8080' });
    s.handler.onEvent(required());
    await tick();
    expect(s.out.text).toContain(
      [
        'No interactive terminal: answer from another shell with one of:',
        '  reelay decide job_1 continue_30s --server http://h:8080',
        '  reelay decide job_1 continue_5m --server http://h:8080',
        '  reelay decide job_1 try_alternative espeak --server http://h:8080',
        '  reelay decide job_1 cancel_job --server http://h:8080',
      ].join('\n'),
    );
    expect(s.out.text).not.toContain('Choose');
  });
});
