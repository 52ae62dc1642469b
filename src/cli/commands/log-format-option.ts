import { stringValue } from '../arg-parser.js';
import type { CliIo } from '../cli-io.js';
import type { OptionSpec, ParsedArgs } from '../command-spec.js';
import { type LogFormat, logFormatFor } from '../pretty-log-stream.js';

/** `--log-format` of the long-running commands (`serve`, `worker`). */
export const LOG_FORMAT_OPTION: OptionSpec = {
  type: 'string',
  valueName: 'FORMAT',
  description: 'Logs on stderr: human lines, or JSON lines for a log collector (env REELAY_LOG_FORMAT)',
  choices: ['auto', 'pretty', 'json'],
  defaultText: 'auto: pretty on a terminal, else json',
};

/** The log format chosen by `--log-format`, else `REELAY_LOG_FORMAT`, else by whether stderr is a terminal. */
export function chosenLogFormat(io: CliIo, args: ParsedArgs): LogFormat {
  return logFormatFor(stringValue(args, 'log-format') ?? io.env.REELAY_LOG_FORMAT, io.stderr);
}
