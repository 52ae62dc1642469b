import { describe, expect, it } from 'vitest';
import {
  killParentAndWait,
  pollUntil,
  recordingTracker,
  running,
  startParent,
} from './child-process-test-harness.js';
import { runProcess } from './run-process.js';
import { runTracked } from './work-tracking.js';

const describePosix = describe.skipIf(process.platform === 'win32');

describePosix('child watchdog', () => {
  it('ends the command within a second when its parent process is killed with SIGKILL', async () => {
    // A parent Node process that starts `sleep 57` under the watchdog, prints its pid, and waits.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const c = spawn('/bin/sh', ['-c', process.env.WD, 'reelay-child', 'sleep', '57'], { detached: true, stdio: 'pipe' });
      c.stderr.on('data', (d) => process.stdout.write(d));
      setInterval(() => {}, 1000);`;
    const parent = await startParent(parentScript);
    expect(running(parent.commandPid)).toBe(true);
    expect(await killParentAndWait(parent)).toBeLessThanOrEqual(1_000);
  }, 20_000);

  it('still ends a command that ignores SIGTERM when its parent dies after a graceful stop was sent', async () => {
    // The parent sends SIGTERM to the group (an abort) and dies before its SIGKILL escalation: the
    // watcher must survive the SIGTERM to see the parent's death.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const c = spawn('/bin/sh', ['-c', process.env.WD, 'reelay-child', 'sh', '-c', "trap '' TERM; while :; do sleep 0.05; done"], { detached: true, stdio: 'pipe' });
      c.stderr.once('data', (d) => { process.stdout.write(d); setTimeout(() => { process.kill(-c.pid, 'SIGTERM'); process.stdout.write('sent\\n'); }, 100); });
      setInterval(() => {}, 1000);`;
    const parent = await startParent(parentScript);
    // The SIGTERM was sent (the parent says so); give the group a moment to take it, then kill the parent.
    await pollUntil(() => parent.output().includes('sent\n'), 2_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(running(parent.commandPid)).toBe(true);
    expect(await killParentAndWait(parent)).toBeLessThanOrEqual(1_000);
  }, 20_000);

  it('reports the group to the current tracker and gives the command its own process group', async () => {
    const { tracker, events } = recordingTracker();
    let commandPid = 0;
    const out = await runTracked(tracker, () =>
      runProcess('sh', ['-c', 'ps -o pgid= -p $$'], {
        collectStdout: true,
        onSpawn: (pid) => {
          commandPid = pid;
        },
      }),
    );
    expect(out.exitCode).toBe(0);
    const pgid = Number(out.stdout.trim());
    expect(events).toEqual([`start ${pgid}`, `end ${pgid}`]);
    expect(pgid).not.toBe(commandPid);
    expect(pgid).not.toBe(process.pid);
    expect(out.stderrTail).toEqual([]);
  });

  it('passes the exit status through and says ENOENT for a missing command', async () => {
    const failed = await runProcess('sh', ['-c', 'echo oops >&2; exit 7']);
    expect(failed).toMatchObject({ exitCode: 7, exitSignal: null, stderrTail: ['oops'] });
    const killed = await runProcess('sh', ['-c', 'kill -s KILL $$']);
    expect(killed.exitSignal).toBe('SIGKILL');
    await expect(runProcess('no-such-command-reelay', [])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
