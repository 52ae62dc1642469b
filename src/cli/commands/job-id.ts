import type { ParsedArgs } from '../command-spec.js';
import { UsageError } from '../usage-error.js';

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The `<id>` argument, checked for shape (a usage error otherwise). */
export function jobIdArg(args: ParsedArgs, command: string): string {
  const id = args.positionals[0] ?? '';
  if (!JOB_ID.test(id)) {
    throw new UsageError(
      `"${id.slice(0, 40)}" is not a job id (ids look like job_…; see \`reelay jobs\`).`,
      command,
    );
  }
  return id;
}
