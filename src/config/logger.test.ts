import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes JSON lines with name, pid and hostname, and scrubs secrets', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream, secrets: ['sk-secret-1234'], pretty: false });
    logger.child({ provider: 'ollama' }).warn({ attempt: 2 }, 'retrying after sk-secret-1234');
    const record = JSON.parse(out.lines()[0] ?? '{}') as Record<string, unknown>;
    expect(record).toMatchObject({
      name: 'reelay',
      pid: process.pid,
      provider: 'ollama',
      attempt: 2,
      level: 40,
    });
    expect(typeof record.hostname).toBe('string');
    expect(String(record.msg)).toBe('retrying after [REDACTED]');
  });

  it('pretty prints when asked (a terminal), still without the secret', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream, secrets: ['sk-secret-1234'], pretty: true });
    logger.info({ jobId: 'job_1' }, 'job sk-secret-1234 started');
    const text = out.lines().join('\n');
    expect(text).toContain('job [REDACTED] started');
    expect(text).toContain('jobId');
    expect(() => JSON.parse(out.lines()[0] ?? '')).toThrow();
  });
});
