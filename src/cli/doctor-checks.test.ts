import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderSpec } from '../domain/provider.js';
import { configureMediaTools, mediaToolPaths } from '../providers/media/media-tools.js';
import {
  checkDirectory,
  checkEspeak,
  checkFfmpeg,
  checkProvider,
  formatChecks,
  skippedCheck,
} from './doctor-checks.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-doctor-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const provider = (healthCheck: ProviderSpec['healthCheck']): ProviderSpec => ({
  id: 'ollama',
  displayName: 'Ollama',
  kind: 'llm',
  profileType: 'local_llm',
  capabilities: { heartbeat: 'token_count' },
  priority: 2,
  costModel: { unit: 'free', usdPerUnit: 0 },
  healthCheck,
});

describe('doctor checks', () => {
  it('a writable directory with space is OK; free space below the minimum fails with the fix', async () => {
    const ok = await checkDirectory('data dir', join(dir, 'new/sub'));
    expect(ok).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/new\/sub writable, \d+ MB free$/),
    });
    const tight = await checkDirectory('data dir', dir, Number.MAX_SAFE_INTEGER);
    expect(tight).toMatchObject({ status: 'fail', fix: expect.stringMatching(/^Free at least/) });
  });

  it('a path that is a file is not a writable directory', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const check = await checkDirectory('output dir', join(dir, 'file'));
    expect(check).toMatchObject({
      name: 'output dir',
      status: 'fail',
      message: expect.stringMatching(/is not writable/),
    });
  });

  it('providers: healthy OK with latency, unhealthy and throwing checks FAIL with a fix', async () => {
    expect(
      await checkProvider(provider(async () => ({ healthy: true, latencyMs: 12, message: '3 models' }))),
    ).toEqual({
      name: 'provider ollama',
      status: 'ok',
      message: '3 models (12 ms)',
    });
    expect(
      await checkProvider(
        provider(async () => ({
          healthy: false,
          latencyMs: 3,
          message: 'Ollama is not running at http://127.0.0.1:11434',
        })),
      ),
    ).toMatchObject({
      status: 'fail',
      message: 'Ollama is not running at http://127.0.0.1:11434',
      fix: expect.stringContaining('Ollama'),
    });
    const thrown = await checkProvider(provider(async () => Promise.reject(new Error('ECONNRESET'))));
    expect(thrown).toMatchObject({ status: 'fail', message: 'health check failed: ECONNRESET' });
  });

  it('providers: redacts URL credentials and words the fix without a broken possessive', async () => {
    const check = await checkProvider(
      provider(async () => ({
        healthy: false,
        latencyMs: 3,
        message: 'Ollama is not running at http://bob:hunter22@10.0.0.5:11434/?api_key=abc123',
      })),
    );
    expect(check.message).not.toContain('hunter22');
    expect(check.message).not.toContain('abc123');
    expect(check.message).toContain('10.0.0.5:11434');
    expect(check.fix).not.toMatch(/s's /);
    expect(check.fix).toMatch(/^Check the URL, key and status of /);
  });

  it('a provider skipped for a missing key names the variable to set', () => {
    expect(
      skippedCheck({ id: 'elevenlabs', skipped: 'no API key: set ELEVENLABS_API_KEY to enable it' }),
    ).toEqual({
      name: 'provider elevenlabs',
      status: 'skip',
      message: 'no API key: set ELEVENLABS_API_KEY to enable it',
      fix: 'export ELEVENLABS_API_KEY=… to enable it',
    });
    expect(skippedCheck({ id: 'x', skipped: 'disabled in the configuration' })).not.toHaveProperty('fix');
  });

  it('a missing espeak-ng binary fails with the install command', async () => {
    const check = await checkEspeak('/nonexistent/espeak-ng');
    expect(check).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('apt-get install -y espeak-ng'),
    });
  });

  it('formats OK / FAIL / SKIP lines with fixes under failures and skips', () => {
    expect(
      formatChecks([
        { name: 'ffmpeg', status: 'ok', message: 'FFmpeg 5' },
        { name: 'espeak-ng', status: 'fail', message: 'missing', fix: 'install it' },
        { name: 'provider x', status: 'skip', message: 'no key', fix: 'export X=…' },
      ]),
    ).toBe(
      [
        'OK   ffmpeg      FFmpeg 5',
        'FAIL espeak-ng   missing',
        '                 fix: install it',
        'SKIP provider x  no key',
        '                 fix: export X=…',
        '',
      ].join('\n'),
    );
  });
});

describe('doctor FFmpeg check', () => {
  it('checks the configured ffmpegPath and names it in the fix', async () => {
    const before = { ffmpegPath: mediaToolPaths().ffmpeg, ffprobePath: mediaToolPaths().ffprobe };
    try {
      configureMediaTools({ ffmpegPath: '/nonexistent/ff/ffmpeg' });
      expect(mediaToolPaths()).toEqual({
        ffmpeg: '/nonexistent/ff/ffmpeg',
        ffprobe: '/nonexistent/ff/ffprobe',
      });
      const check = await checkFfmpeg({ encoders: ['libx264'] });
      expect(check.status).toBe('fail');
      expect(check.message).toContain('/nonexistent/ff/ffmpeg');
      // Both tools are missing: both are named, FFmpeg first, whichever probe failed first.
      expect(check.message).toContain('/nonexistent/ff/ffprobe');
      expect(check.message?.indexOf('FFmpeg is not installed')).toBeLessThan(
        check.message?.indexOf('FFprobe is not installed') ?? -1,
      );
      expect(check.fix).toContain('ffmpegPath');
      expect(check.fix).toContain('/nonexistent/ff/ffmpeg');
    } finally {
      configureMediaTools(before);
    }
    const ok = await checkFfmpeg({ encoders: ['libx264'] });
    expect(ok.status).toBe('ok');
    expect(ok.message).toContain('(ffmpeg)');
  });
});
