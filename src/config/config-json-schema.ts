import { z } from 'zod';
import { ConfigFileSchema } from './config-file.js';

/**
 * The JSON Schema (draft 2020-12) of the config file, generated from the zod schema the loader
 * validates with, so editors can complete and check `reelay.config.json` (point its `$schema` at
 * the file `reelay config schema` writes). Describes what a person writes: the input side.
 *
 * @example writeFileSync('reelay.schema.json', JSON.stringify(configJsonSchema(), null, 2));
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ConfigFileSchema, { target: 'draft-2020-12', io: 'input' });
  return {
    ...generated,
    title: 'Reelay configuration file',
    description:
      'reelay.config.json (or the file named by REELAY_CONFIG). Every key is optional; environment ' +
      'variables override the file; API keys never live here, only the names of the variables holding them.',
  };
}
