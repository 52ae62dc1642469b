/**
 * The child side of "children die with their worker", for POSIX systems without native addons
 * (Node offers no `PR_SET_PDEATHSIG`). Each command runs under a small `/bin/sh` watchdog that
 * Node starts as the leader of a new process group (`detached`), with its stdin a pipe from the
 * worker that nobody ever writes to:
 *
 * - the command runs in the background (stdin `/dev/null`, so it cannot read the pipe);
 * - a watcher subshell blocks reading the pipe; when the worker process dies for any reason,
 *   even `kill -9`, the kernel closes the pipe's write end, the read returns end-of-file, and the
 *   watcher kills the whole group (`kill -s KILL 0`): the command and anything it started. The
 *   watcher ignores SIGTERM: a graceful stop sent to the group must not end it, or a command that
 *   ignores SIGTERM would outlive a worker that dies before its SIGKILL escalation;
 * - the watchdog waits for the command, stops and reaps the watcher (so no orphan is left for
 *   init to reap) and exits with the command's status (a
 *   command ended by a signal ends the watchdog with the same signal); it catches SIGTERM, so a
 *   graceful stop sent to the group reaches the command, and a command that ignores it is still
 *   waited for until SIGKILL;
 * - it first prints `reelay-child-pid <pid>` on stderr (the command's own pid) and, when the
 *   command is missing, `reelay-child: <command>: not found` with status 127.
 *
 * A plain `exec` wrapper would not do: after `exec` nothing is left to notice the parent's death.
 */
export const WATCHDOG_SCRIPT = `command -v "$1" >/dev/null 2>&1 || { echo "reelay-child: $1: not found" >&2; exit 127; }
exec 3<&0
trap : TERM
"$@" </dev/null 3<&- &
c=$!
{ trap '' TERM; while read -r _; do :; done; kill -s KILL 0; } <&3 &
w=$!
exec 3<&-
echo "reelay-child-pid $c" >&2
while :; do
  wait "$c"; s=$?
  kill -0 "$c" 2>/dev/null || break
done
kill -s KILL "$w" 2>/dev/null; wait "$w" 2>/dev/null
if [ "$s" -gt 128 ]; then trap - TERM; kill -s "$(kill -l "$s")" $$; fi
exit "$s"`;

/** The stderr line carrying the command's pid. */
export const CHILD_PID_LINE = /^reelay-child-pid (\d+)$/;

/** The stderr line saying the command does not exist. */
export const CHILD_MISSING_LINE = /^reelay-child: .*: not found$/;

/** True where the watchdog can run (POSIX shells; not Windows). */
export const WATCHDOG_SUPPORTED = process.platform !== 'win32';

/**
 * The argv that runs `command args` under the watchdog; with a `niceness` above 0 the watchdog
 * starts through POSIX `nice`, so the command inherits the priority before it runs.
 */
export function watchdogArgv(command: string, args: readonly string[], niceness = 0): [string, string[]] {
  const sh = ['/bin/sh', '-c', WATCHDOG_SCRIPT, 'reelay-child', command, ...args];
  return niceness > 0 ? ['nice', ['-n', String(niceness), ...sh]] : ['/bin/sh', sh.slice(1)];
}

/** Sends `signal` to the process group `pgid` (0: only check it exists); false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
