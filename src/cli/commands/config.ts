import { configJsonSchema } from '../../config/config-json-schema.js';
import type { CommandSpec } from '../command-spec.js';
import { EXIT_CODES } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

/** `reelay config schema`: prints the JSON Schema of the config file. */
export const configCommand: CommandSpec = {
  name: 'config',
  summary: 'Print the JSON Schema of the config file (`reelay config schema`)',
  description:
    'Prints the JSON Schema (draft 2020-12) of reelay.config.json, generated from the schema Reelay ' +
    'validates the file with. Save it and point the file\'s "$schema" at it for completion and checks in an editor.',
  positionals: [{ name: 'action', description: 'schema', required: true }],
  options: {},
  examples: ['reelay config schema > reelay.schema.json'],
  async run({ io }, args) {
    const action = args.positionals[0];
    if (action !== 'schema') {
      throw new UsageError(`Unknown config action "${action ?? ''}"; the only one is \`schema\`.`, 'config');
    }
    io.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return EXIT_CODES.ok;
  },
};
