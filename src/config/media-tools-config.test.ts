import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './app-config.js';

describe('ffmpegPath and ffprobePath', () => {
  it('default to the commands on PATH', () => {
    const c = loadConfig({}, mkdtempSync(join(tmpdir(), 'reelay-ff-')));
    expect([c.ffmpegPath, c.ffprobePath]).toEqual(['ffmpeg', 'ffprobe']);
  });

  it('read the file, find ffprobe beside ffmpeg, and let the environment win', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'reelay-ff-'));
    writeFileSync(join(cwd, 'reelay.config.json'), JSON.stringify({ ffmpegPath: 'tools/bin/ffmpeg' }));
    const fromFile = loadConfig({}, cwd);
    expect(fromFile.ffmpegPath).toBe(join(cwd, 'tools/bin/ffmpeg'));
    expect(fromFile.ffprobePath).toBe(join(cwd, 'tools/bin/ffprobe'));
    const fromEnv = loadConfig(
      { REELAY_FFMPEG_PATH: '/opt/ff/ffmpeg', REELAY_FFPROBE_PATH: 'ffprobe7' },
      cwd,
    );
    expect([fromEnv.ffmpegPath, fromEnv.ffprobePath]).toEqual(['/opt/ff/ffmpeg', 'ffprobe7']);
  });

  it('refuses an empty ffmpegPath in the file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'reelay-ff-'));
    writeFileSync(join(cwd, 'reelay.config.json'), JSON.stringify({ ffmpegPath: '' }));
    expect(() => loadConfig({}, cwd)).toThrow(/ffmpegPath/);
  });
});
