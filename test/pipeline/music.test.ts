/**
 * Background music named by a request: looked up in `<dataDir>/music/`, checked at pre-flight,
 * and mixed under the narration by the composer.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reelay } from '../../src/jobs/create-reelay.js';
import { runFfmpeg } from '../../src/providers/media/ffmpeg-process.js';
import { removeDir, smallRequest, startReelay, tempDir, waitForEnd } from '../support/pipeline-harness.js';
import { meanVolumeDb } from './media-checks.js';

describe('background music', () => {
  let dataDir: string;
  let reelay: Reelay;

  beforeEach(async () => {
    dataDir = await tempDir('reelay-music-');
    reelay = await startReelay(dataDir);
  });
  afterEach(async () => {
    await reelay.close();
    await removeDir(dataDir);
  });

  it('fails pre-flight, before any script work, when the named file is missing', async () => {
    const job = await reelay.service.submit(
      smallRequest({ options: { ...smallRequest().options, music: 'absent.mp3' } }),
    );
    const { job: end } = await waitForEnd(reelay, job.id);
    expect(end.status).toBe('failed');
    expect(end.error).toMatchObject({ code: 'REELAY_ERR_PREFLIGHT', stage: 'brief' });
    expect(end.error?.message).toContain(join(dataDir, 'music'));
  });

  it('mixes the music under silent captions-only narration, so the track is audible', async () => {
    await mkdir(join(dataDir, 'music'), { recursive: true });
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=330:duration=3',
      join(dataDir, 'music', 'tone.wav'),
    ]);
    const base = smallRequest();
    const job = await reelay.service.submit({
      ...base,
      providers: { tts: 'captions-only' },
      options: { ...base.options, music: 'tone.wav' },
    });
    const { job: end } = await waitForEnd(reelay, job.id);
    expect(end.status, JSON.stringify(end.error)).toBe('done');
    // Narration is digital silence; only the looped music (at −18 dB) can make this audible.
    expect(await meanVolumeDb(end.output?.path ?? '', 1, 1)).toBeGreaterThan(-45);
  });
});
