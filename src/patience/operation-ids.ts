import { randomUUID } from 'node:crypto';

/** 2^48: the last group of a UUID holds 48 bits (12 hex digits). */
const LOW_RANGE = 2 ** 48;
const HEX12 = /^[0-9a-f]{12}$/;

/**
 * The gateway's operation ids as numbers: a call gets the next number of a counter, and the
 * string form `op_<uuid>` is built only when an event, a log record or a lookup needs it. The
 * string is a random UUID drawn once per gateway with its last 48 bits advanced by the call's
 * number, so ids look as before (`op_` and a version-4 UUID), stay unique within the gateway for
 * 2^48 calls and are as unlikely to collide across processes as random ones, while no UUID is
 * drawn and no string kept per call.
 *
 * @example
 * const ids = new OperationIds();
 * const n = ids.next();
 * ids.parse(ids.format(n)) === n; // true
 */
export class OperationIds {
  /** `op_` and the first 24 characters of the gateway's UUID (through the last dash). */
  private readonly prefix: string;
  /** The random last 48 bits the counter is added to. */
  private readonly low: number;
  private counter = 0;

  constructor(uuid: string = randomUUID()) {
    this.prefix = `op_${uuid.slice(0, 24)}`;
    this.low = Number.parseInt(uuid.slice(24), 16);
  }

  /** The next operation's number (from 1). */
  next(): number {
    return ++this.counter;
  }

  /** The string form of operation number `n`. */
  format(n: number): string {
    return this.prefix + ((this.low + n) % LOW_RANGE).toString(16).padStart(12, '0');
  }

  /** The number of an id made by {@link format}, or undefined for any other string. */
  parse(id: string): number | undefined {
    if (id.length !== this.prefix.length + 12 || !id.startsWith(this.prefix)) return undefined;
    const digits = id.slice(this.prefix.length);
    if (!HEX12.test(digits)) return undefined;
    const low = Number.parseInt(digits, 16);
    const n = (low - this.low + LOW_RANGE) % LOW_RANGE;
    return n >= 1 && n <= this.counter ? n : undefined;
  }
}
