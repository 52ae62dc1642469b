import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ReelayError } from '../../domain/errors.js';
import { runFfmpeg } from './ffmpeg-process.js';
import { configureMediaTools, DEFAULT_MEDIA_NICENESS, mediaNiceness } from './media-tools.js';
import { runProcess } from './run-process.js';
import { acquireSpawnHelper } from './spawn-helper.js';

let dir: string;
let stubborn: string;
let failing: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-run-'));
  // A fake "ffmpeg" that ignores SIGTERM, so only the SIGKILL escalation can stop it.
  stubborn = join(dir, 'stubborn.sh');
  await writeFile(stubborn, "#!/bin/sh\ntrap '' TERM\necho started\nwhile :; do sleep 0.02; done\n");
  // A fake "ffmpeg" that writes 30 stderr lines and fails.
  failing = join(dir, 'failing.sh');
  await writeFile(failing, '#!/bin/sh\nfor i in $(seq 1 30); do echo "line $i" >&2; done\nexit 3\n');
  await chmod(stubborn, 0o755);
  await chmod(failing, 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

/** True while the process runs (a zombie awaiting its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

// Every case runs twice: spawned from this process, and through the spawn helper (the default of
// processes that run a worker).
describe.each([
  ['spawned from this process', false],
  ['through the spawn helper', true],
])('%s', (_name, viaHelper) => {
  let release: (() => void) | undefined;
  beforeAll(() => {
    if (viaHelper) release = acquireSpawnHelper();
  });
  afterAll(() => release?.());

  describe('runProcess abort', () => {
    it('sends SIGKILL exactly 500 ms after SIGTERM when the process ignores SIGTERM', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const ac = new AbortController();
      let pid = 0;
      let started!: () => void;
      const running = new Promise<void>((r) => {
        started = r;
      });
      // Running once both the pid (the watchdog's stderr line) and the output arrived: the two
      // come on different pipes, in either order.
      let seenOutput = false;
      const done = runProcess(stubborn, [], {
        signal: ac.signal,
        onSpawn: (p) => {
          pid = p;
          if (seenOutput) started();
        },
        onStdout: () => {
          seenOutput = true;
          if (pid !== 0) started();
        },
      });
      const settled = done.then(
        () => 'resolved',
        (e: unknown) => e,
      );
      await running;
      ac.abort(new Error('user canceled'));
      await vi.advanceTimersByTimeAsync(499);
      expect(alive(pid)).toBe(true);
      await vi.advanceTimersByTimeAsync(1);
      vi.useRealTimers();
      const outcome = await settled;
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).message).toBe('user canceled');
      expect(alive(pid)).toBe(false);
    });

    it('rejects at once without spawning when the signal is already aborted', async () => {
      const ac = new AbortController();
      ac.abort(new Error('early'));
      let spawned = false;
      await expect(
        runProcess(stubborn, [], { signal: ac.signal, onSpawn: () => (spawned = true) }),
      ).rejects.toThrow('early');
      expect(spawned).toBe(false);
    });
  });

  describe('runFfmpeg failures', () => {
    it('turns a non-zero exit into a processing_error quoting only the last stderr lines', async () => {
      const error = await runFfmpeg([], { ffmpegPath: failing }).catch((e: unknown) => e);
      expect(ReelayError.isInstance(error)).toBe(true);
      const e = error as ReelayError;
      expect(e.code).toBe('REELAY_ERR_PROVIDER');
      expect(e.category).toBe('processing_error');
      expect(e.provider).toBe('ffmpeg');
      expect(e.message).toContain('exited with code 3');
      expect(e.message).toContain('line 30');
      expect(e.message).not.toContain('line 24 ');
      expect(e.details.stderrTail).toHaveLength(6);
    });

    it('says FFmpeg is not installed, with the install command, when the binary is missing', async () => {
      const error = await runFfmpeg(['-version'], { ffmpegPath: join(dir, 'no-such-ffmpeg') }).catch(
        (e: unknown) => e,
      );
      expect(ReelayError.isInstance(error)).toBe(true);
      expect((error as ReelayError).message).toMatch(/FFmpeg is not installed.*apt-get install ffmpeg/);
      // The advice names the config key that points Reelay at another FFmpeg.
      expect((error as ReelayError).message).toContain('ffmpegPath (REELAY_FFMPEG_PATH)');
      expect((error as ReelayError).message).toMatch(/to PATH/);
      expect((error as ReelayError).category).toBe('system_error');
    });

    it('blames a missing working directory, not the FFmpeg install', async () => {
      const error = await runFfmpeg(['-version'], { cwd: join(dir, 'no-such-dir') }).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/working directory .*no-such-dir.* does not exist/);
    });
  });

  describe('runProcess niceness', () => {
    afterEach(() => configureMediaTools({}));

    it('lowers the CPU priority of the child when asked; 0 leaves it alone', async () => {
      const seen: number[] = [];
      await runProcess('sleep', ['0.2'], { niceness: 10, onSpawn: (pid) => seen.push(getPriority(pid)) });
      await runProcess('sleep', ['0.2'], { niceness: 0, onSpawn: (pid) => seen.push(getPriority(pid)) });
      // niceness is relative to this process's (a test run under `nice` starts higher; 19 is the cap)
      const base = getPriority();
      expect(seen).toEqual([Math.min(19, base + 10), base]);
    });

    it('runs media processes at the configured niceness by default (10; REELAY_MEDIA_NICE=0 disables)', async () => {
      const seen: number[] = [];
      expect(mediaNiceness()).toBe(DEFAULT_MEDIA_NICENESS);
      await runProcess('sleep', ['0.2'], { onSpawn: (pid) => seen.push(getPriority(pid)) });
      configureMediaTools({ niceness: 5 });
      await runProcess('sleep', ['0.2'], { onSpawn: (pid) => seen.push(getPriority(pid)) });
      configureMediaTools({ niceness: 0 });
      await runProcess('sleep', ['0.2'], { onSpawn: (pid) => seen.push(getPriority(pid)) });
      const base = getPriority();
      expect(seen).toEqual([Math.min(19, base + 10), Math.min(19, base + 5), base]);
    });
  });
});
