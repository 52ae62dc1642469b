/**
 * A split deployment on one PostgreSQL schema: A runs the API only (`worker: false`), B runs the
 * worker. An `ask` decision is raised in B, seen and answered through A, and applied in B: the
 * answer travels as a `decision-answer-submitted` event on the shared log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReelayError } from '../../src/domain/errors.js';
import type { StoredEvent } from '../../src/domain/events.js';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { createPostgresStores } from '../../src/state/postgres/postgres-stores.js';
import {
  ESPEAK_ONLY,
  JOB_LIMIT_MS,
  ofType,
  removeDir,
  smallRequest,
  startReelay,
  tempDir,
  waitForEnd,
  waitForEvent,
  within,
} from '../support/pipeline-harness.js';
import { dropSchema, pgUnreachable, TEST_DATABASE_URL } from '../support/postgres-harness.js';
import { MisbehavingTts } from './test-providers.js';

const url = TEST_DATABASE_URL;
/** One schema per test run, dropped afterwards. */
const schema = `reelay_split_${process.pid}_${Date.now().toString(36)}`;

const unreachable = await pgUnreachable('the split-deployment decision tests');

/** Polls `read` every 50 ms until it returns a value; rejects after `limitMs`. */
async function eventually<T>(
  read: () => Promise<T | null>,
  what: string,
  limitMs = JOB_LIMIT_MS,
): Promise<T> {
  let stop = false;
  const loop = async (): Promise<T> => {
    while (!stop) {
      const value = await read();
      if (value !== null) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('stopped');
  };
  try {
    return await within(loop(), limitMs, what);
  } finally {
    stop = true;
  }
}

async function rejection(promise: Promise<unknown>): Promise<ReelayError> {
  try {
    await promise;
  } catch (error) {
    if (ReelayError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe.skipIf(unreachable !== null)(
  'ask decisions in a split deployment (API + worker on PostgreSQL)',
  () => {
    let dir: string;
    let api: Reelay;
    let worker: Reelay;
    /** The failing provider's copy in the API process: known for validation, never called. */
    let apiFlaky: MisbehavingTts;
    let flaky: MisbehavingTts;

    beforeAll(async () => {
      // Create the schema once, before two processes race to migrate it.
      const stores = await createPostgresStores(url, { schema });
      await stores.close();
    });

    afterAll(() => dropSchema(schema));

    beforeEach(async () => {
      dir = await tempDir('reelay-split-');
      apiFlaky = new MisbehavingTts({ id: 'flaky-tts', category: 'api_failure', retryable: false });
      flaky = new MisbehavingTts({ id: 'flaky-tts', category: 'api_failure', retryable: false });
      api = await startReelay(dir, {
        stores: await createPostgresStores(url, { schema }),
        sharedStore: true,
        sharedPollMs: 100,
        worker: false,
        providers: [apiFlaky],
        offline: ESPEAK_ONLY,
      });
      worker = await startReelay(dir, {
        stores: await createPostgresStores(url, { schema }),
        sharedStore: true,
        sharedPollMs: 100,
        worker: true,
        providers: [flaky],
        offline: ESPEAK_ONLY,
      });
    });

    afterEach(async () => {
      await api?.close();
      await worker?.close();
      await removeDir(dir);
    });

    it('shows the worker’s pending decision through the API process and applies its answer there', async () => {
      const job = await api.service.submit(
        smallRequest({
          fallbackPolicy: 'ask',
          providers: { tts: 'flaky-tts' },
          options: { subtitles: false },
        }),
      );
      const seenByApi: StoredEvent[] = [];
      const stream = api.service.subscribe(job.id, (e) => seenByApi.push(e));
      try {
        const pending = await eventually(
          () => api.service.pendingDecision(job.id),
          'a pending decision in A',
        );
        expect(pending).toMatchObject({
          jobId: job.id,
          provider: 'flaky-tts',
          stage: 'narration',
          trigger: 'error',
        });
        expect(pending.options).toContain('try_alternative');
        expect(pending.alternatives.map((a) => a.provider)).toContain('espeak');
        // A derived it from the log: its own gateway holds nothing; B's does.
        expect(api.kit.gateway.getPendingDecision(job.id)).toBeUndefined();
        expect(worker.kit.gateway.getPendingDecision(job.id)?.decisionId).toBe(pending.decisionId);

        // Mistakes are refused in A, as in a single process, and nothing is sent.
        const wrongId = await rejection(
          api.service.answerDecision(job.id, {
            option: 'try_alternative',
            provider: 'espeak',
            decisionId: 'decision_other',
          }),
        );
        expect(wrongId.code).toBe('REELAY_ERR_CONFLICT');
        const noProvider = await rejection(api.service.answerDecision(job.id, { option: 'try_alternative' }));
        expect(noProvider.code).toBe('REELAY_ERR_VALIDATION');
        const unknown = await rejection(
          api.service.answerDecision(job.id, { option: 'try_alternative', provider: 'nope' }),
        );
        expect(unknown.code).toBe('REELAY_ERR_VALIDATION');
        expect(ofType(await api.service.readEvents(job.id), 'decision-answer-submitted')).toEqual([]);

        await api.service.answerDecision(job.id, {
          option: 'try_alternative',
          provider: 'espeak',
          decisionId: pending.decisionId,
        });
        const { job: end, events } = await waitForEnd(worker, job.id);
        expect(end.status, JSON.stringify(end.error)).toBe('done');

        const decisions = await api.service.decisions(job.id);
        expect(decisions).toHaveLength(1);
        expect(decisions[0]).toMatchObject({
          fromProvider: 'flaky-tts',
          toProvider: 'espeak',
          reason: 'PROVIDER_FATAL_ERROR',
          userConfirmed: true,
        });
        const submitted = ofType(events, 'decision-answer-submitted');
        const answered = ofType(events, 'decision-answered');
        expect(submitted).toMatchObject([
          { decisionId: pending.decisionId, option: 'try_alternative', provider: 'espeak' },
        ]);
        expect(answered).toMatchObject([{ decisionId: pending.decisionId, option: 'try_alternative' }]);
        expect(answered[0]?.id).toBeGreaterThan(submitted[0]?.id ?? Number.POSITIVE_INFINITY);

        // A's live stream carried both, in order, then the end.
        await waitForEvent(api.service, job.id, (e) => e.type === 'done', 'done in A');
        await eventually(
          async () => (seenByApi.some((e) => e.type === 'done') ? true : null),
          'done on A’s stream',
          5000,
        );
        const types = seenByApi.map((e) => e.type);
        expect(types.indexOf('decision-answer-submitted')).toBeGreaterThan(
          types.indexOf('decision-required'),
        );
        expect(types.indexOf('decision-answered')).toBeGreaterThan(
          types.indexOf('decision-answer-submitted'),
        );
        const ids = seenByApi.map((e) => e.id);
        expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));

        expect(flaky.calls.map((c) => c.ok)).toEqual([false]);
        expect(apiFlaky.calls).toEqual([]);
        expect(await api.service.pendingDecision(job.id)).toBeNull();
        const late = await rejection(api.service.answerDecision(job.id, { option: 'continue_30s' }));
        expect(late.code).toBe('REELAY_ERR_CONFLICT');
      } finally {
        stream.dispose();
      }
    }, 60_000);
  },
);
