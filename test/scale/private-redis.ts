/**
 * A private redis-server process for tests that stop and restart Redis (the shared server at
 * REDIS_URL must never be restarted under other tests). Persistence is AOF with fsync on every
 * write, as a production deployment that must survive a Redis crash would run it.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/** A redis-server this test owns. */
export interface PrivateRedis {
  readonly url: string;
  /** `kill -9` the server (a crash: only what AOF fsynced survives). */
  crash(): Promise<void>;
  /** Starts it again on the same port and data directory; resolves when it answers PING. */
  start(): Promise<void>;
  /** Stops it for good. */
  stop(): Promise<void>;
}

/** True when a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts a private redis-server persisting into `dir`. */
export async function startPrivateRedis(dir: string): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      const ping = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' });
      if (ping.stdout.trim() === 'PONG') return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`private redis-server on port ${port} did not answer PING`);
  };
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const current = proc;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((r) => current.once('exit', r));
    current.kill(signal);
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    crash: () => kill('SIGKILL'),
    start: launch,
    stop: () => kill('SIGTERM'),
  };
}
