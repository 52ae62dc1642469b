/**
 * Bad command-line usage (unknown command or flag, missing or malformed value): reported with
 * a hint to `--help` and exit code 2. Not a `ReelayError`: it never reaches a service.
 */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help to point at, when known. */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
