import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run on Redis by SHA (EVALSHA), loaded on first use and again after a `SCRIPT
 * FLUSH` or a restart of the server. The script runs atomically: nothing else touches its keys
 * between its first and last command.
 */
export class LuaScript {
  readonly sha: string;

  /** @param source the script; its header must list what `KEYS` and `ARGV` hold. */
  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with `keys` and `args`; returns the script's reply as ioredis decodes it. */
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
