import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localHostIdentity, processStartTime } from '../state/process-liveness.js';
import { AttemptRecord, type AttemptRecordData, clearPredecessorDebris } from './attempt-debris.js';

let dir: string;
const started: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reelay-debris-'));
});
afterEach(async () => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dir, { recursive: true, force: true });
});

/** A `sleep` leading its own process group with no watchdog: it survives unless someone kills it. */
function strayGroup(): number {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  child.unref();
  if (child.pid === undefined) throw new Error('sleep did not start');
  started.push(child.pid);
  return child.pid;
}

function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function writeRecord(data: AttemptRecordData): Promise<void> {
  await mkdir(join(dir, 'attempts'), { recursive: true });
  await writeFile(join(dir, 'attempts', `attempt-${data.attempt}.json`), JSON.stringify(data));
}

describe.skipIf(process.platform !== 'linux')('clearPredecessorDebris', () => {
  it("kills a dead attempt's surviving process group and removes its temp files", async () => {
    const pgid = strayGroup();
    const startTime = processStartTime(pgid);
    const recordedTemp = join(dir, 'tts-tmp');
    await mkdir(recordedTemp);
    await mkdir(join(dir, 'segments'));
    const stray = join(dir, 'segments', '.segment-001.0a1b2c3d.tmp.mp4');
    await writeFile(stray, 'partial');
    await writeFile(join(dir, 'segments', 'segment-001.mp4'), 'finished');
    await writeRecord({
      attempt: 1,
      host: localHostIdentity(),
      workerPid: 1,
      groups: [{ pgid, startTime }],
      temps: [recordedTemp],
    });

    const report = await clearPredecessorDebris(dir, 2, { waitMs: 1_000 });

    expect(report.killedGroups).toEqual([pgid]);
    expect(running(pgid)).toBe(false);
    expect(existsSync(recordedTemp)).toBe(false);
    expect(existsSync(stray)).toBe(false);
    expect(existsSync(join(dir, 'segments', 'segment-001.mp4'))).toBe(true);
    expect(await readdir(join(dir, 'attempts'))).toEqual([]);
  });

  it('leaves alone a pid that now belongs to another process, another host, and later attempts', async () => {
    const pgid = strayGroup();
    await writeRecord({
      attempt: 1,
      host: localHostIdentity(),
      workerPid: 1,
      groups: [{ pgid, startTime: '1' }], // the recorded leader started at another time: pid reused
      temps: [],
    });
    await writeRecord({
      attempt: 2,
      host: 'elsewhere|boot|ns',
      workerPid: 1,
      groups: [{ pgid, startTime: processStartTime(pgid) }],
      temps: [],
    });
    await writeRecord({ attempt: 3, host: localHostIdentity(), workerPid: 1, groups: [], temps: [] });

    const report = await clearPredecessorDebris(dir, 3, { waitMs: 200 });

    expect(report.killedGroups).toEqual([]);
    expect(running(pgid)).toBe(true);
    expect(await readdir(join(dir, 'attempts'))).toEqual(['attempt-3.json']);
  });

  it('records the running groups and open temp paths of an attempt, and drops the record when clean', async () => {
    const record = new AttemptRecord(dir, 4);
    const path = join(dir, 'attempts', 'attempt-4.json');
    record.childStarted(process.pid);
    record.tempCreated('/x/.a.00000000.tmp.mp4');
    // Written off the event loop, the latest state last.
    expect(existsSync(path)).toBe(false);
    await record.flushed();
    const saved = JSON.parse(readFileSync(path, 'utf8')) as AttemptRecordData;
    expect(saved).toMatchObject({
      attempt: 4,
      host: localHostIdentity(),
      groups: [{ pgid: process.pid, startTime: processStartTime(process.pid) }],
      temps: ['/x/.a.00000000.tmp.mp4'],
    });
    await record.close();
    expect(existsSync(path)).toBe(true);
    record.childEnded(process.pid);
    record.tempSettled('/x/.a.00000000.tmp.mp4');
    await record.close();
    expect(existsSync(path)).toBe(false);
  });

  it('ends with the latest state when changes arrive while a write is in progress', async () => {
    const record = new AttemptRecord(dir, 5);
    const path = join(dir, 'attempts', 'attempt-5.json');
    record.childStarted(process.pid);
    const first = record.flushed();
    record.childEnded(process.pid);
    record.tempCreated('/x/.b.00000000.tmp.wav');
    await first;
    const saved = JSON.parse(readFileSync(path, 'utf8')) as AttemptRecordData;
    expect(saved.groups).toEqual([]);
    expect(saved.temps).toEqual(['/x/.b.00000000.tmp.wav']);
    record.tempSettled('/x/.b.00000000.tmp.wav');
    await record.close();
    expect(existsSync(path)).toBe(false);
  });
});
