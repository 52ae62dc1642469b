/**
 * The logging seam: a structural subset of pino's logger, so layers never import pino directly.
 * Log records carry a `tag` (the seed's log tags, e.g. `PROVIDER_LOCK_CREATED`) and a
 * `correlationId` whenever one is known.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything (the default for library use and tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/** A logger that keeps records in memory, for tests that assert on logs. */
export class MemoryLogger implements Logger {
  readonly records: Array<{ level: string; msg?: string } & Record<string, unknown>> = [];
  constructor(
    private readonly bindings: Record<string, unknown> = {},
    shared?: MemoryLogger,
  ) {
    if (shared) this.records = shared.records;
  }
  debug(obj: object, msg?: string): void {
    this.push('debug', obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.push('info', obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.push('warn', obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.push('error', obj, msg);
  }
  child(bindings: Record<string, unknown>): Logger {
    return new MemoryLogger({ ...this.bindings, ...bindings }, this);
  }
  private push(level: string, obj: object, msg?: string): void {
    this.records.push({ level, ...this.bindings, ...obj, ...(msg === undefined ? {} : { msg }) });
  }
}
