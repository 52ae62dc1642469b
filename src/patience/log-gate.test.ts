import { describe, expect, it } from 'vitest';
import { type Logger, MemoryLogger, silentLogger } from '../domain/logger.js';
import { logEnabled } from './log-gate.js';

describe('logEnabled', () => {
  it('is false for the silent logger, true for a logger that cannot tell', () => {
    expect(logEnabled(silentLogger, 'error')).toBe(false);
    expect(logEnabled(silentLogger.child({ a: 1 }), 'info')).toBe(false);
    expect(logEnabled(new MemoryLogger(), 'debug')).toBe(true);
  });

  it("asks a pino-like logger's isLevelEnabled, with the logger as this", () => {
    const pinoLike = Object.assign(new MemoryLogger(), {
      level: 'info',
      isLevelEnabled(this: { level: string }, level: string): boolean {
        return level !== 'debug' || this.level === 'debug';
      },
    }) as Logger & { level: string };
    expect(logEnabled(pinoLike, 'debug')).toBe(false);
    expect(logEnabled(pinoLike, 'info')).toBe(true);
    pinoLike.level = 'debug';
    expect(logEnabled(pinoLike, 'debug')).toBe(true);
  });
});
