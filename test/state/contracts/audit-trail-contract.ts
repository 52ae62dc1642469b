import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FallbackDecision, FallbackReason } from '../../../src/domain/fallback.js';
import type { AuditTrail } from '../../../src/state/audit-trail.js';
import { manualClock, type OpenStores, type StoresHandle } from './harness.js';

const decision = (id: string, jobId: string, reason: FallbackReason): FallbackDecision => ({
  id,
  jobId,
  fromProvider: 'openai',
  toProvider: 'ollama',
  reason,
  elapsedBeforeSwitchMs: 1234,
  userConfirmed: reason.startsWith('USER'),
  stages: ['script'],
  correlationId: `corr-${jobId}`,
  timestamp: '2025-01-01T00:00:00.000Z',
  context: `switch ${id}`,
  errorCategory: 'timeout',
});

/** The {@link AuditTrail} contract, run against one implementation. */
export function auditTrailContract(name: string, open: OpenStores): void {
  describe(`${name}: AuditTrail contract`, () => {
    let handle: StoresHandle;
    let audit: AuditTrail;
    beforeEach(async () => {
      handle = await open(manualClock());
      audit = handle.stores.audit;
    });
    afterEach(() => handle.cleanup());

    it('is idempotent on the decision id and keeps the order decisions were made', async () => {
      await audit.record(decision('d1', 'j1', 'USER_AFTER_STALL'));
      await audit.record(decision('d2', 'j2', 'AUTO_AFTER_ERROR'));
      await audit.record(decision('d3', 'j1', 'AUTO_CIRCUIT_OPEN'));
      await audit.record({ ...decision('d1', 'j1', 'DEGRADED'), context: 'replayed' });
      const history = await audit.history('j1');
      expect(history.map((d) => d.id)).toEqual(['d1', 'd3']);
      expect(history[0]).toEqual(decision('d1', 'j1', 'USER_AFTER_STALL'));
      expect(await audit.history('none')).toEqual([]);
    });

    it('queries newest first with filters and a limit, and counts by reason', async () => {
      await audit.record(decision('d1', 'j1', 'AUTO_AFTER_ERROR'));
      await audit.record(decision('d2', 'j2', 'AUTO_AFTER_ERROR'));
      await audit.record(decision('d3', 'j1', 'USER_REQUEST'));
      await audit.record(decision('d4', 'j1', 'AUTO_AFTER_ERROR'));
      expect((await audit.query({})).map((d) => d.id)).toEqual(['d4', 'd3', 'd2', 'd1']);
      expect((await audit.query({ jobId: 'j1' })).map((d) => d.id)).toEqual(['d4', 'd3', 'd1']);
      expect((await audit.query({ reason: 'AUTO_AFTER_ERROR', limit: 2 })).map((d) => d.id)).toEqual([
        'd4',
        'd2',
      ]);
      expect((await audit.query({ jobId: 'j2', reason: 'USER_REQUEST' })).length).toBe(0);
      expect(await audit.countByReason()).toEqual({ AUTO_AFTER_ERROR: 3, USER_REQUEST: 1 });
    });
  });
}
