import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, sleep, systemClock } from '../domain/clock.js';
import { signalGroup } from '../providers/media/child-watchdog.js';
import type { WorkTracker } from '../providers/media/work-tracking.js';
import { localHostIdentity, processStartTime } from '../state/process-liveness.js';

/** What one attempt of a job has running or lying around, as recorded in its work directory. */
export interface AttemptRecordData {
  attempt: number;
  /** Host identity of the worker (see `localHostIdentity`): groups are only killed on that host. */
  host: string;
  workerPid: number;
  /** Child process groups still running, with their leader's start time (pid reuse guard). */
  groups: { pgid: number; startTime: string | null }[];
  /** Temporary files and directories not yet renamed into place or removed. */
  temps: string[];
}

/** What {@link clearPredecessorDebris} did. */
export interface DebrisReport {
  /** Process groups of dead attempts found still running and killed. */
  killedGroups: number[];
  /** Temporary paths removed. */
  removedPaths: string[];
}

const RECORD = /^attempt-(\d+)\.json$/;
/** Names of `tempSiblingPath` files (`.<stem>.<8 hex>.tmp<ext>`) and of copy-then-rename publishes. */
const TEMP_NAME = /^\..+\.[0-9a-f]{8}\.tmp(\.[A-Za-z0-9]+)?$|\.partial$/;

const recordsDir = (workDir: string): string => join(workDir, 'attempts');

/**
 * The {@link WorkTracker} of one job attempt: keeps `<workDir>/attempts/attempt-<n>.json` up to
 * date with the attempt's child process groups and temporary files. Each change starts an atomic
 * write (temporary file, then rename) at once, off the event loop: one write at a time, and
 * changes made while it runs go into the next, so the file always ends up with the latest state.
 * (Synchronous writes held the worker's event loop — and its jobs' live events — for up to tens of
 * milliseconds while renders loaded the disk.) A worker killed within those milliseconds may leave
 * a group or a temporary path unrecorded: the group's watchdog ends it with the worker anyway, and
 * temporary files in the work directory are found by name.
 */
export class AttemptRecord implements WorkTracker {
  private readonly groups = new Map<number, string | null>();
  private readonly temps = new Set<string>();
  private readonly path: string;
  /** The write in progress, if any; `dirty`: a change since it took its snapshot. */
  private writing: Promise<void> | undefined;
  private dirty = false;

  constructor(
    private readonly workDir: string,
    private readonly attempt: number,
  ) {
    this.path = join(recordsDir(workDir), `attempt-${attempt}.json`);
  }

  childStarted(pgid: number): void {
    this.groups.set(pgid, processStartTime(pgid));
    this.save();
  }

  childEnded(pgid: number): void {
    if (this.groups.delete(pgid)) this.save();
  }

  tempCreated(path: string): void {
    this.temps.add(path);
    this.save();
  }

  tempSettled(path: string): void {
    if (this.temps.delete(path)) this.save();
  }

  /** Resolves once the file holds every change made so far. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /**
   * Once pending writes are done, removes the record if the attempt ended with nothing left
   * behind (else keeps it for the next attempt).
   */
  async close(): Promise<void> {
    await this.flushed();
    if (this.groups.size > 0 || this.temps.size > 0) return;
    await rm(this.path, { force: true }).catch(() => undefined);
  }

  private save(): void {
    this.dirty = true;
    this.writing ??= this.write().finally(() => {
      this.writing = undefined;
    });
  }

  private async write(): Promise<void> {
    const temp = `${this.path}.${process.pid}.next`;
    while (this.dirty) {
      this.dirty = false;
      const data: AttemptRecordData = {
        attempt: this.attempt,
        host: localHostIdentity(),
        workerPid: process.pid,
        groups: [...this.groups].map(([pgid, startTime]) => ({ pgid, startTime })),
        temps: [...this.temps],
      };
      try {
        await mkdir(recordsDir(this.workDir), { recursive: true });
        await writeFile(temp, JSON.stringify(data));
        await rename(temp, this.path);
      } catch {
        // The record is a cleanup aid: failing to write it must not fail the job.
      }
    }
  }
}

function readRecords(workDir: string, before: number): { path: string; data: AttemptRecordData }[] {
  let names: string[];
  try {
    names = readdirSync(recordsDir(workDir));
  } catch {
    return [];
  }
  const out: { path: string; data: AttemptRecordData }[] = [];
  for (const name of names) {
    const match = RECORD.exec(name);
    if (!match || Number(match[1]) >= before) continue;
    const path = join(recordsDir(workDir), name);
    try {
      out.push({ path, data: JSON.parse(readFileSync(path, 'utf8')) as AttemptRecordData });
    } catch {
      rmSync(path, { force: true });
    }
  }
  return out;
}

async function sweepTemps(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'attempts') await sweepTemps(path, found);
    else if (entry.isFile() && TEMP_NAME.test(entry.name)) found.push(path);
  }
}

/**
 * Called by an attempt before it works on a job: the attempts before `attempt` are over (their
 * worker died or let go), so whatever they left is debris. Kills their child process groups that
 * still run on this host — only when the group leader's start time matches the record, so a
 * reused pid is never hit — waits (bounded by `waitMs`) for them to be gone, removes their
 * recorded temporary files, then any temporary file left in the work directory.
 */
export async function clearPredecessorDebris(
  workDir: string,
  attempt: number,
  options: { waitMs?: number; clock?: Clock } = {},
): Promise<DebrisReport> {
  const clock = options.clock ?? systemClock;
  const report: DebrisReport = { killedGroups: [], removedPaths: [] };
  const records = readRecords(workDir, attempt);
  const here = localHostIdentity();
  for (const { data } of records) {
    if (data.host !== here) continue; // the group's own watchdog ends it on its host
    for (const { pgid, startTime } of data.groups) {
      if (startTime !== null && processStartTime(pgid) === startTime && signalGroup(pgid, 'SIGKILL'))
        report.killedGroups.push(pgid);
    }
  }
  const deadline = clock.now() + (options.waitMs ?? 2_000);
  const stillThere = (): boolean => report.killedGroups.some((pgid) => signalGroup(pgid, 0));
  while (stillThere() && clock.now() < deadline) await sleep(clock, 20);

  const temps = new Set(records.flatMap((r) => r.data.temps));
  const swept: string[] = [];
  await sweepTemps(workDir, swept);
  for (const path of swept) temps.add(path);
  for (const path of temps) {
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    report.removedPaths.push(path);
  }
  for (const { path } of records) rmSync(path, { force: true });
  return report;
}
