/** Outcome of {@link parseByteRange}. */
export type ByteRange =
  /** No usable Range header (absent, malformed, several ranges, or another unit): send it all. */
  | { kind: 'full' }
  /** One satisfiable range, inclusive bounds. */
  | { kind: 'partial'; start: number; end: number }
  /** A well-formed range that no byte of the file satisfies → 416. */
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

/**
 * Parses a `Range` header against a file of `size` bytes (RFC 9110 §14): `bytes=a-b`, `bytes=a-`
 * and `bytes=-n` (the last n bytes). Syntactically invalid ranges (`b < a`, empty, several
 * ranges) are ignored, as the RFC allows, and the whole file is sent.
 *
 * @example parseByteRange('bytes=0-0', 100) // { kind: 'partial', start: 0, end: 0 }
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'full' };
  const match = SINGLE.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, a = '', b = ''] = match;
  if (a === '' && b === '') return { kind: 'full' };
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(a);
  const last = b === '' ? Number.POSITIVE_INFINITY : Number(b);
  if (last < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(last, size - 1) };
}
