/**
 * Worker processes of a Redis deployment (see worker-child.ts), started, watched and killed by
 * the scale-out tests and benchmarks.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { nodeRuntimePlan } from '../../bin/node-runtime.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = fileURLToPath(new URL('./worker-child.ts', import.meta.url));

/** A milestone line printed by a worker. */
export interface WorkerLine {
  ready?: boolean;
  started?: string;
  attempt?: number;
  stage?: string;
  jobId?: string;
  done?: string;
  at?: number;
}

/** One worker process. */
export interface WorkerProcess {
  readonly proc: ChildProcess;
  readonly name: string;
  /** Resolves with the first line matching `predicate` (lines already seen count). */
  waitFor(predicate: (line: WorkerLine) => boolean, limitMs: number, what: string): Promise<WorkerLine>;
  /** `kill -9`. */
  kill(): void;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts a worker process on `dataDir` and `prefix`; resolves once it is ready. */
export function startWorkerProcess(
  name: string,
  dataDir: string,
  prefix: string,
  concurrency = 1,
  guardMs = 180_000,
): Promise<WorkerProcess> {
  return startWorkerScript(name, CHILD, [dataDir, prefix, String(concurrency), String(guardMs)]);
}

/**
 * Starts `script` (a TypeScript file printing the milestone lines of worker-child.ts) with
 * `args`; resolves once it printed `{"ready":true}`.
 */
export async function startWorkerScript(
  name: string,
  script: string,
  args: string[],
): Promise<WorkerProcess> {
  // SCALE_WORKER_NODE_ARGS: extra Node flags for every worker, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const nodeArgs = (process.env.SCALE_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The Node flags and malloc settings `reelay worker` gives itself (REELAY_NODE_OPTIONS overrides).
  const base = { ...process.env, LOG_LEVEL: 'silent' };
  const runtime = nodeRuntimePlan({ argv: ['worker'], env: base, execArgv: [], platform: process.platform });
  const proc = spawn(
    process.execPath,
    [...(runtime?.flags ?? []), ...nodeArgs, '--import', 'tsx', script, ...args],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...base, ...runtime?.env },
    },
  );
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const lines: WorkerLine[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as WorkerLine);
    } catch {
      return;
    }
    for (const wake of waiters) wake();
  });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const worker: WorkerProcess = {
    proc,
    name,
    waitFor: (predicate, limitMs, what) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = lines.find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`worker ${name}: no ${what} within ${limitMs} ms; stderr: ${stderr.slice(-800)}`));
        }, limitMs);
        if (!check()) waiters.add(wake);
      }),
    kill: () => {
      proc.kill('SIGKILL');
    },
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
  await worker.waitFor((l) => l.ready === true, 180_000, 'ready line');
  return worker;
}
