import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_PROFILES } from '../config/timeout-profile-defaults.js';
import { ProviderTimeoutProfileLoader } from '../config/timeout-profile-loader.js';
import { MemoryAuditTrail } from '../state/memory/memory-audit-trail.js';
import { OperationIds } from './operation-ids.js';
import { ProviderGateway } from './provider-gateway.js';

const UUID_V4 = /^op_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('OperationIds', () => {
  it('formats numbers as op_<uuid v4>, distinct per number, and parses them back', () => {
    const ids = new OperationIds('0f8e4b8a-1c2d-4e3f-9a0b-fffffffffffe');
    const [a, b, c] = [ids.next(), ids.next(), ids.next()];
    expect([a, b, c]).toEqual([1, 2, 3]);
    // The last 48 bits wrap around: still 12 hex digits.
    expect(ids.format(a)).toBe('op_0f8e4b8a-1c2d-4e3f-9a0b-ffffffffffff');
    expect(ids.format(b)).toBe('op_0f8e4b8a-1c2d-4e3f-9a0b-000000000000');
    for (const n of [a, b, c]) {
      expect(ids.format(n)).toMatch(UUID_V4);
      expect(ids.parse(ids.format(n))).toBe(n);
    }
  });

  it('parses nothing it did not make', () => {
    const ids = new OperationIds('0f8e4b8a-1c2d-4e3f-9a0b-000000000000');
    ids.next();
    expect(ids.parse('op_1')).toBeUndefined();
    expect(ids.parse('op_0f8e4b8a-1c2d-4e3f-9a0b-000000000002')).toBeUndefined(); // not issued yet
    expect(ids.parse('op_0f8e4b8a-1c2d-4e3f-9a0b-00000000000z')).toBeUndefined();
    expect(ids.parse('op_ffffffff-1c2d-4e3f-9a0b-000000000001')).toBeUndefined();
  });

  it('a gateway on random ids finds its running calls by the id its events carry', async () => {
    const gateway = new ProviderGateway({
      profiles: new ProviderTimeoutProfileLoader({ config: DEFAULT_TIMEOUT_PROFILES }),
      audit: new MemoryAuditTrail(),
    });
    const started: string[] = [];
    gateway.on('request-start', (e) => started.push(e.operationId));
    let finish!: (v: string) => void;
    const call = gateway.executeWithPatience({
      jobId: 'job-1',
      providerName: 'OpenAI',
      stage: 'script',
      correlationId: 'corr-1',
      operation: () => new Promise<string>((resolve) => (finish = resolve)),
    });
    const [id] = started;
    expect(id).toMatch(UUID_V4);
    expect(gateway.getProviderState(id as string)).toMatchObject({ operationId: id, jobId: 'job-1' });
    expect(gateway.getActiveOperations().map((s) => s.operationId)).toEqual([id]);
    finish('done');
    await expect(call).resolves.toBe('done');
    expect(gateway.getProviderState(id as string)).toBeUndefined();
  });
});
