import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Heartbeat } from '../../src/domain/heartbeat.js';
import type { ImageRequest } from '../../src/domain/provider.js';
import { TitleCardProvider } from '../../src/providers/image/title-card.js';
import { ctx } from './offline-test-kit.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-card-it-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
    true,
  );
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

const request = (over: Partial<ImageRequest>): ImageRequest => ({
  prompt: 'a beach at dusk',
  title: 'Tides Are Caused by the Moon',
  caption: 'The moon pulls the ocean toward it.',
  width: 640,
  height: 360,
  outPath: join(dir, 'card.png'),
  sceneIndex: 0,
  sceneCount: 3,
  ...over,
});

describe('TitleCardProvider (real FFmpeg)', () => {
  const cards = new TitleCardProvider();

  it('is healthy: FFmpeg with drawtext and the fonts', async () => {
    expect(await cards.healthCheck(new AbortController().signal)).toMatchObject({ healthy: true });
  });

  it('is unhealthy without FFmpeg or without the fonts, saying how to fix it', async () => {
    const noFfmpeg = await new TitleCardProvider({ ffmpegPath: 'ffmpeg-missing-xyz' }).healthCheck(
      new AbortController().signal,
    );
    expect(noFfmpeg).toMatchObject({
      healthy: false,
      message: expect.stringContaining('apt-get install ffmpeg'),
    });
    const noFont = await new TitleCardProvider({ boldFont: '/nonexistent/font.ttf' }).healthCheck(
      new AbortController().signal,
    );
    expect(noFont).toMatchObject({ healthy: false, message: expect.stringContaining('fonts-dejavu-core') });
  });

  it('renders a PNG of the requested size with rising percent heartbeats', async () => {
    const beats: Heartbeat[] = [];
    const outPath = join(dir, 'small.png');
    const r = await cards.renderImage(request({ outPath }), ctx(beats));
    expect(r).toMatchObject({ path: outPath, width: 640, height: 360, usage: { images: 1 } });
    expect(pngSize(await readFile(outPath))).toEqual({ width: 640, height: 360 });
    const percents = beats.map((b) => b.percent);
    expect(percents[0]).toBe(0);
    expect(percents.at(-1)).toBe(100);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThan(percents[i - 1] as number);
    expect((await readdir(dir)).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('renders full HD and portrait sizes', async () => {
    const hd = join(dir, 'hd.png');
    await cards.renderImage(request({ outPath: hd, width: 1920, height: 1080 }), ctx());
    expect(pngSize(await readFile(hd))).toEqual({ width: 1920, height: 1080 });
    const portrait = join(dir, 'portrait.png');
    await cards.renderImage(request({ outPath: portrait, width: 360, height: 640 }), ctx());
    expect(pngSize(await readFile(portrait))).toEqual({ width: 360, height: 640 });
  });

  it('is deterministic and differs between scenes', async () => {
    const a1 = join(dir, 'a1.png');
    const a2 = join(dir, 'a2.png');
    const b = join(dir, 'b.png');
    await cards.renderImage(request({ outPath: a1 }), ctx());
    await cards.renderImage(request({ outPath: a2 }), ctx());
    await cards.renderImage(request({ outPath: b, sceneIndex: 1, title: 'Spring Tides' }), ctx());
    const [x, y, z] = await Promise.all([readFile(a1), readFile(a2), readFile(b)]);
    expect(x.equals(y)).toBe(true);
    expect(x.equals(z)).toBe(false);
  });

  it('draws text that needs no escaping (quotes, colons, percent, backslashes)', async () => {
    const outPath = join(dir, 'tricky.png');
    await cards.renderImage(
      request({ outPath, title: `It's 100% "done": C:\\path, {x}; [y]`, caption: '%{pts} \\n $HOME' }),
      ctx(),
    );
    expect(pngSize(await readFile(outPath))).toEqual({ width: 640, height: 360 });
  });

  it('rejects impossible sizes', async () => {
    await expect(cards.renderImage(request({ width: 0 }), ctx())).rejects.toMatchObject({
      code: 'REELAY_ERR_VALIDATION',
    });
  });

  it('kills FFmpeg promptly on abort and leaves no output', async () => {
    // A stand-in "ffmpeg" that hangs, so the abort lands while the process runs.
    const fake = join(dir, 'hanging-ffmpeg.sh');
    await writeFile(fake, '#!/bin/sh\nexec sleep 30\n');
    await chmod(fake, 0o755);
    const ac = new AbortController();
    const outPath = join(dir, 'aborted.png');
    let abortedAt = 0;
    const heartbeat = (b: Heartbeat): void => {
      if (b.percent === 20)
        setTimeout(() => {
          abortedAt = Date.now();
          ac.abort(new Error('switched provider'));
        }, 100);
    };
    const hanging = new TitleCardProvider({ ffmpegPath: fake });
    await expect(hanging.renderImage(request({ outPath }), { signal: ac.signal, heartbeat })).rejects.toThrow(
      'switched provider',
    );
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(existsSync(outPath)).toBe(false);
  });
});
