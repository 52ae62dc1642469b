import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LeaseHolder } from '../domain/job-record.js';

function readOr(read: () => string, fallback: string): string {
  try {
    return read().trim();
  } catch {
    return fallback;
  }
}

let cachedHost: string | undefined;

/**
 * This machine and PID namespace, as one string: hostname, boot id and PID namespace on Linux
 * (two containers with the same hostname, or one host before and after a reboot, differ), the
 * hostname elsewhere. A pid is only meaningful next to the host identity it was read under.
 */
export function localHostIdentity(): string {
  cachedHost ??= [
    hostname(),
    readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'), '-'),
    readOr(() => readlinkSync('/proc/self/ns/pid'), '-'),
  ].join('|');
  return cachedHost;
}

/**
 * Start time of a process (clock ticks since boot, field 22 of Linux `/proc/<pid>/stat`), or
 * null when the process does not exist or the system has no `/proc`. Compared with a recorded
 * value, it tells a live process from a new one that reused its pid.
 */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: split after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** True when a process with this pid exists (signal 0; EPERM means it exists but is not ours). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let ownStart: string | null | undefined;

/** The {@link LeaseHolder} describing this process. */
export function localLeaseHolder(session?: number): LeaseHolder {
  ownStart ??= processStartTime(process.pid);
  const startTime = ownStart;
  return {
    host: localHostIdentity(),
    pid: process.pid,
    ...(startTime === null ? {} : { startTime }),
    ...(session === undefined ? {} : { session }),
  };
}

/**
 * True only when `holder` is proven gone: it ran on this host identity and its pid no longer
 * exists, or now belongs to a process that started at another time. False when it lives, runs
 * elsewhere, or nothing can be told (then the lease's expiry decides, as before).
 */
export function isLocalHolderGone(holder: LeaseHolder | undefined): boolean {
  if (holder === undefined || holder.host !== localHostIdentity()) return false;
  if (holder.pid === process.pid) return holder.startTime !== processStartTime(process.pid);
  if (!pidExists(holder.pid)) return true;
  if (holder.startTime === undefined) return false;
  const now = processStartTime(holder.pid);
  return now !== null && now !== holder.startTime;
}
