/**
 * A pending `ask` decision survives the death of its worker: the worker is killed with SIGKILL
 * while the job waits on a decision; the answer is given through another process meanwhile; the
 * worker that resumes the job applies that answer without asking again (one `decision-required`
 * in the whole log) and finishes the job.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { ofType, removeDir, startReelay, tempDir, waitForEnd, within } from '../support/pipeline-harness.js';
import { MisbehavingTts } from './test-providers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./decision-crash-child.ts', import.meta.url));

let dir: string;
let child: ChildProcess | undefined;
let api: Reelay | undefined;
let worker: Reelay | undefined;

beforeAll(async () => {
  dir = await tempDir('reelay-decision-crash-');
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await api?.close();
  await worker?.close();
  await removeDir(dir);
});

/** Starts the child; resolves with its job id and a promise of the pending decision's id. */
function startChild(): Promise<{ jobId: string; decisionId: Promise<string> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let gotDecision: (id: string) => void = () => {};
  const decisionId = new Promise<string>((r) => {
    gotDecision = r;
  });
  return new Promise((resolve, reject) => {
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited early (${code ?? signal}): ${stderr}`));
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as { jobId?: string; decisionId?: string };
      if (msg.jobId) resolve({ jobId: msg.jobId, decisionId });
      if (msg.decisionId) gotDecision(msg.decisionId);
    });
  });
}

describe('a pending decision survives its worker', () => {
  it('applies the answer given while no worker held the decision, without asking again', async () => {
    const { jobId, decisionId: pendingId } = await startChild();
    const decisionId = await within(pendingId, 120_000, 'the child job to ask for a decision');
    const proc = child as ChildProcess;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGKILL');
    await exited;

    // An API-only process on the same data directory still shows the decision, and takes the answer.
    api = await startReelay(dir, { worker: false, providers: [new MisbehavingTts({ id: 'flaky-tts' })] });
    expect((await api.service.pendingDecision(jobId))?.decisionId).toBe(decisionId);
    await api.service.answerDecision(jobId, { option: 'try_alternative', provider: 'espeak', decisionId });

    // A new worker resumes the job at once (the dead worker's pid is gone) and applies the answer.
    worker = await startReelay(dir, {
      providers: [new MisbehavingTts({ id: 'flaky-tts' })],
      leaseMs: 30_000,
    });
    const { job, events } = await waitForEnd(worker, jobId, 120_000);
    expect(job.status, JSON.stringify(job.error)).toBe('done');
    expect(job.attempts).toBe(2);
    expect(ofType(events, 'decision-required').map((e) => e.decisionId)).toEqual([decisionId]);
    expect(ofType(events, 'decision-answered')).toMatchObject([{ decisionId, option: 'try_alternative' }]);
    const log = await worker.stores.jobLogs.read(jobId);
    expect(
      log.find((l) => l.message === 'Carried over the decision the previous attempt left open')?.fields,
    ).toMatchObject({
      decisionId,
      answered: true,
    });
  }, 300_000);
});
