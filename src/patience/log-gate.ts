import { type Logger, silentLogger } from '../domain/logger.js';

/** A level of the {@link Logger} seam. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

interface LevelAware {
  isLevelEnabled?: (level: string) => boolean;
}

/**
 * Whether a record at `level` can reach any output, so hot paths build log records only when
 * they can: false for {@link silentLogger} (the library default), the logger's own answer when it
 * has pino's `isLevelEnabled`, true otherwise. Read per call: a pino level may change at runtime.
 *
 * @example if (logEnabled(logger, 'debug')) logger.debug({ tag: 'PROVIDER_HEARTBEAT', ...ref }, 'beat');
 */
export function logEnabled(logger: Logger, level: LogLevel): boolean {
  if (logger === silentLogger) return false;
  const check = (logger as Logger & LevelAware).isLevelEnabled;
  return typeof check === 'function' ? check.call(logger, level) : true;
}
