import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WATCHDOG_SCRIPT } from './child-watchdog.js';
import { runProcess } from './run-process.js';
import { runTracked, type WorkTracker } from './work-tracking.js';

const describePosix = describe.skipIf(process.platform === 'win32');

/** True while the process runs (a zombie awaiting its reaper counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Polls `check` every 20 ms until true or `limitMs` passed (bounded; no fixed sleep). */
async function pollUntil(check: () => boolean, limitMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

describePosix('child watchdog', () => {
  it('ends the command within a second when its parent process is killed with SIGKILL', async () => {
    // A parent Node process that starts `sleep 57` under the watchdog, prints its pid, and waits.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const c = spawn('/bin/sh', ['-c', process.env.WD, 'reelay-child', 'sleep', '57'], { detached: true, stdio: 'pipe' });
      c.stderr.on('data', (d) => process.stdout.write(d));
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, WD: WATCHDOG_SCRIPT },
    });
    const pid = await new Promise<number>((resolve) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /reelay-child-pid (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    expect(running(pid)).toBe(true);
    parent.kill('SIGKILL');
    const tookMs = await pollUntil(() => !running(pid), 1_000);
    expect(tookMs).toBeLessThanOrEqual(1_000);
  }, 20_000);

  it('still ends a command that ignores SIGTERM when its parent dies after a graceful stop was sent', async () => {
    // The parent sends SIGTERM to the group (an abort) and dies before its SIGKILL escalation: the
    // watcher must survive the SIGTERM to see the parent's death.
    const parentScript = `
      const { spawn } = require('node:child_process');
      const c = spawn('/bin/sh', ['-c', process.env.WD, 'reelay-child', 'sh', '-c', "trap '' TERM; while :; do sleep 0.05; done"], { detached: true, stdio: 'pipe' });
      c.stderr.once('data', (d) => { process.stdout.write(d); setTimeout(() => { process.kill(-c.pid, 'SIGTERM'); process.stdout.write('sent\\n'); }, 100); });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['-e', parentScript], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, WD: WATCHDOG_SCRIPT },
    });
    let sent = false;
    const pid = await new Promise<number>((resolve) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        sent = out.includes('sent\n');
        const m = /reelay-child-pid (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
    });
    // The SIGTERM was sent (the parent says so); give the group a moment to take it, then kill the parent.
    await pollUntil(() => sent, 2_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(running(pid)).toBe(true);
    parent.kill('SIGKILL');
    const tookMs = await pollUntil(() => !running(pid), 1_000);
    expect(tookMs).toBeLessThanOrEqual(1_000);
  }, 20_000);

  it('reports the group to the current tracker and gives the command its own process group', async () => {
    const events: string[] = [];
    const tracker: WorkTracker = {
      childStarted: (pgid) => events.push(`start ${pgid}`),
      childEnded: (pgid) => events.push(`end ${pgid}`),
      tempCreated: () => {},
      tempSettled: () => {},
    };
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
