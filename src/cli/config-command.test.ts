import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../config/config-json-schema.js';
import { memoryIo } from './cli-test-io.js';
import { configCommand } from './commands/config.js';

describe('reelay config', () => {
  it('is printed by `reelay config schema`; another action is a usage error', async () => {
    const io = memoryIo();
    const code = await configCommand.run({ io, version: '0.0.0' }, { positionals: ['schema'], values: {} });
    expect(code).toBe(0);
    expect(JSON.parse(io.stdout.text)).toEqual(configJsonSchema());
    await expect(
      configCommand.run({ io: memoryIo(), version: '0.0.0' }, { positionals: ['show'], values: {} }),
    ).rejects.toThrow(/only one is `schema`/);
  });
});
