import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './app-config.js';
import { parseRetentionAge } from './retention-config.js';

describe('retention', () => {
  it('parses ages and 0/off', () => {
    expect(parseRetentionAge('90m', 'x')).toBe(90 * 60_000);
    expect(parseRetentionAge('24h', 'x')).toBe(86_400_000);
    expect(parseRetentionAge('30d', 'x')).toBe(30 * 86_400_000);
    expect(parseRetentionAge('2w', 'x')).toBe(14 * 86_400_000);
    expect(parseRetentionAge('0', 'x')).toBeNull();
    expect(parseRetentionAge('OFF', 'x')).toBeNull();
    expect(() => parseRetentionAge('3 days', 'REELAY_RETENTION_VIDEOS')).toThrow(
      /REELAY_RETENTION_VIDEOS.*24h/,
    );
    expect(() => parseRetentionAge('1.5h', 'x')).toThrow(/not a retention age/);
  });

  it('defaults to 24 h for work files and 30 days for videos and attempts; env over file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'reelay-ret-'));
    expect(loadConfig({}, cwd).retention).toEqual({
      workFilesMs: 86_400_000,
      videosMs: 30 * 86_400_000,
      attemptsMs: 30 * 86_400_000,
    });
    writeFileSync(
      join(cwd, 'reelay.config.json'),
      JSON.stringify({ retention: { workFiles: 'off', videos: '7d', attempts: '2w' } }),
    );
    expect(loadConfig({}, cwd).retention).toEqual({
      workFilesMs: null,
      videosMs: 7 * 86_400_000,
      attemptsMs: 14 * 86_400_000,
    });
    expect(
      loadConfig(
        { REELAY_RETENTION_WORK_FILES: '2h', REELAY_RETENTION_VIDEOS: '0', REELAY_RETENTION_ATTEMPTS: 'off' },
        cwd,
      ).retention,
    ).toEqual({
      workFilesMs: 2 * 3_600_000,
      videosMs: null,
      attemptsMs: null,
    });
    writeFileSync(join(cwd, 'reelay.config.json'), JSON.stringify({ retention: { videos: 'forever' } }));
    expect(() => loadConfig({}, cwd)).toThrow(/retention\.videos/);
  });
});
