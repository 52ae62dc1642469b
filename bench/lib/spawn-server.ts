import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeRuntimePlan } from '../../bin/node-runtime.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'server-child.ts');

/** A server process started by {@link spawnServer}. */
export interface ServerProcess {
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything it wrote to stderr (the last 20 000 characters). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `bench/lib/server-child.ts` with `env` added to this process's environment, and with the
 * Node flags and malloc settings `reelay serve` gives itself (bin/node-runtime.js; REELAY_NODE_OPTIONS
 * overrides them as it does for `reelay serve`).
 */
export function spawnServer(env: Record<string, string>, args: string[] = []): Promise<ServerProcess> {
  const base = { ...process.env, LOG_LEVEL: 'warn', ...env };
  const runtime = nodeRuntimePlan({ argv: ['serve'], env: base, execArgv: [], platform: process.platform });
  const child = spawn(process.execPath, [...(runtime?.flags ?? []), '--import', 'tsx', CHILD, ...args], {
    env: { ...base, ...runtime?.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    err = (err + chunk).slice(-20_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    const onData = (chunk: string): void => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{"port"'));
      if (!line) return;
      child.stdout?.off('data', onData);
      child.stdout?.resume();
      const { port, pid } = JSON.parse(line) as { port: number; pid: number };
      resolve({
        port,
        pid,
        child,
        stderr: () => err,
        stop: async (graceMs = 10_000) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(timer);
        },
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`server exited (${code}) before listening: ${err.slice(-2000)}`)),
    );
  });
}
