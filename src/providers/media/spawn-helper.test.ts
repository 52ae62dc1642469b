import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../domain/clock.js';
import { runEngine } from '../tts/engine-process.js';
import {
  killParentAndWait,
  parentOf,
  pollUntil,
  recordingTracker,
  running,
  startParent,
} from './child-process-test-harness.js';
import { runFfmpeg } from './ffmpeg-process.js';
import { runProcess } from './run-process.js';
import { acquireSpawnHelper, SPAWN_HELPER_LOST, SpawnHelper, sharedSpawnHelper } from './spawn-helper.js';
import { runTracked } from './work-tracking.js';

const describePosix = describe.skipIf(process.platform === 'win32');

/** True when a `sleep 57` runs under a watchdog started by `helperPid`. */
function sleepingUnder(helperPid: number): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8') !== 'sleep\u000057\u0000') continue;
    } catch {
      continue;
    }
    if (parentOf(parentOf(Number(name))) === helperPid || parentOf(Number(name)) === helperPid) return true;
  }
  return false;
}

let release: (() => void) | undefined;
afterEach(() => {
  release?.();
  release = undefined;
});

describePosix('spawn helper', () => {
  it('runs supervised commands from the helper process, with output, exit status, pid and group reported as before', async () => {
    release = acquireSpawnHelper();
    const helperPid = sharedSpawnHelper()?.pid;
    expect(helperPid).toBeGreaterThan(0);
    const { tracker, events } = recordingTracker();
    let commandPid = 0;
    const out = await runTracked(tracker, () =>
      // $PPID of the command is the watchdog (the group leader); its parent must be the helper.
      runProcess(
        'sh',
        ['-c', 'ps -o pgid= -p $$; ps -o ppid= -p $PPID; echo "été" ; echo oops >&2; exit 7'],
        {
          collectStdout: true,
          onSpawn: (pid) => {
            commandPid = pid;
          },
        },
      ),
    );
    const [pgid, watchdogParent, text] = out.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim());
    expect(watchdogParent).toBe(String(helperPid));
    expect(text).toBe('été');
    expect(out).toMatchObject({ exitCode: 7, exitSignal: null, stderrTail: ['oops'] });
    expect(events).toEqual([`start ${pgid}`, `end ${pgid}`]);
    expect(Number(pgid)).not.toBe(commandPid);
    const killed = await runProcess('sh', ['-c', 'kill -s KILL $$']);
    expect(killed.exitSignal).toBe('SIGKILL');
  });

  it('keeps the errors of a missing command and of a missing working directory', async () => {
    release = acquireSpawnHelper();
    await expect(runProcess('no-such-command-reelay', [])).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(runProcess('ls', [], { cwd: '/no/such/dir/reelay' })).rejects.toMatchObject({
      code: 'ENOENT',
      syscall: expect.stringMatching(/^spawn /),
    });
  });

  it('ends an aborted command (and its group) and rejects with the reason', async () => {
    release = acquireSpawnHelper();
    const ac = new AbortController();
    let pid = 0;
    const done = runProcess('sh', ['-c', 'echo up; sleep 57'], {
      signal: ac.signal,
      onSpawn: (p) => {
        pid = p;
      },
      onStdout: () => ac.abort(new Error('user canceled')),
    });
    await expect(done).rejects.toThrow('user canceled');
    expect(pid).toBeGreaterThan(0);
    await pollUntil(() => !running(pid), 1_000);
  });

  it('when the helper dies, its command dies too and reports why; the next command starts a new helper', async () => {
    release = acquireSpawnHelper();
    const first = sharedSpawnHelper()!.pid!;
    let pid = 0;
    const done = runProcess('sleep', ['57'], {
      onSpawn: (p) => {
        pid = p;
        process.kill(first, 'SIGKILL');
      },
    });
    await expect(done).rejects.toMatchObject({
      code: SPAWN_HELPER_LOST,
      message: expect.stringContaining('SIGKILL'),
    });
    await pollUntil(() => !running(pid), 1_000);
    const again = await runProcess('echo', ['again'], { collectStdout: true });
    expect(again.stdout).toBe('again\n');
    expect(sharedSpawnHelper()!.pid).not.toBe(first);
  });

  it('stops once released, but only after the commands it runs have ended', async () => {
    release = acquireSpawnHelper();
    const helperPid = sharedSpawnHelper()!.pid!;
    let go!: () => void;
    const started = new Promise<void>((r) => {
      go = r;
    });
    const done = runProcess('sh', ['-c', 'echo up; read _ </dev/null; sleep 0.3; echo bye'], {
      collectStdout: true,
      onStdout: () => go(),
    });
    await started;
    release();
    release = undefined;
    expect(sharedSpawnHelper()).toBeUndefined();
    expect(running(helperPid)).toBe(true);
    expect((await done).stdout).toBe('up\nbye\n');
    await pollUntil(() => !running(helperPid), 2_000);
  });

  it('counts its users: the helper runs until the last one releases it', async () => {
    const a = acquireSpawnHelper();
    const b = acquireSpawnHelper();
    const pid = sharedSpawnHelper()!.pid!;
    a();
    a();
    expect(sharedSpawnHelper()?.pid).toBe(pid);
    b();
    expect(sharedSpawnHelper()).toBeUndefined();
    await pollUntil(() => !running(pid), 2_000);
  });

  it('does not keep an idle process alive, and ends with its parent', async () => {
    // A parent that starts a helper and runs nothing must exit by itself.
    const helper = new SpawnHelper();
    helper.start();
    const helperPid = helper.pid!;
    expect(parentOf(helperPid)).toBe(process.pid);
    helper.stop();
    await pollUntil(() => !running(helperPid), 2_000);
  });

  it("ends the command within a second when the helper's parent is killed with SIGKILL", async () => {
    // A parent Node process talking to the helper program directly: start `sleep 57` under the
    // watchdog, print the pid the watchdog reports, wait.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const h = spawn(process.execPath, ['-e', process.env.HELPER], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      h.on('message', (m) => { if (m.t === 'r') process.stdout.write(m.d); });
      h.send({ t: 's', id: 1, file: '/bin/sh', argv: ['-c', process.env.WD, 'reelay-child', 'sleep', '57'], env: process.env, detached: true, keep: true });
      setInterval(() => {}, 1000);`;
    const parent = await startParent(parentScript);
    expect(running(parent.commandPid)).toBe(true);
    expect(await killParentAndWait(parent)).toBeLessThanOrEqual(1_000);
  }, 20_000);

  it('passes the environment of the moment of the call to the command', async () => {
    release = acquireSpawnHelper();
    const dir = await mkdtemp(join(tmpdir(), 'reelay-helper-'));
    try {
      const script = join(dir, 'env.sh');
      await writeFile(script, 'echo "$REELAY_HELPER_PROBE"\n');
      process.env.REELAY_HELPER_PROBE = 'set-after-start';
      const out = await runProcess('sh', [script], { collectStdout: true });
      expect(out.stdout).toBe('set-after-start\n');
    } finally {
      delete process.env.REELAY_HELPER_PROBE;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells FFmpeg and TTS callers which program died with the helper, as a retryable error', async () => {
    release = acquireSpawnHelper();
    const dir = await mkdtemp(join(tmpdir(), 'reelay-helper-'));
    try {
      const slow = join(dir, 'slow.sh');
      await writeFile(slow, '#!/bin/sh\nexec sleep 57\n');
      await chmod(slow, 0o755);
      const killHelper = (): void => {
        const pid = sharedSpawnHelper()?.pid;
        if (pid) process.kill(pid, 'SIGKILL');
      };
      const ffmpeg = runFfmpeg([], { ffmpegPath: slow, onSpawn: killHelper });
      await expect(ffmpeg).rejects.toMatchObject({
        code: 'REELAY_ERR_PROVIDER',
        provider: 'ffmpeg',
        retryable: true,
        message: expect.stringMatching(/^ffmpeg was ended with the spawn helper/),
      });
      const tts = runEngine(
        slow,
        [],
        { name: 'Festival', providerId: 'festival', install: 'apt-get install festival' },
        { signal: new AbortController().signal, clock: systemClock },
      );
      // The engine has no onSpawn hook: end the helper once its program (`sleep 57`) runs.
      const helperPid = sharedSpawnHelper()!.pid!;
      await pollUntil(() => sleepingUnder(helperPid), 2_000);
      killHelper();
      await expect(tts).rejects.toMatchObject({ provider: 'festival', stage: 'narration', retryable: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
