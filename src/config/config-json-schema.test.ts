import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './app-config.js';
import { parseConfigFile } from './config-file.js';
import { configJsonSchema } from './config-json-schema.js';

const configDir = new URL('../../config/', import.meta.url);

describe('the config file JSON Schema', () => {
  it('is generated from the zod schema and the committed copy is up to date', () => {
    const schema = configJsonSchema() as {
      properties: Record<string, unknown>;
      additionalProperties: unknown;
    };
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['$schema', 'dataDir', 'server', 'providers', 'budgets']),
    );
    expect(schema.additionalProperties).toBe(false);
    const committed = JSON.parse(readFileSync(new URL('reelay.schema.json', configDir), 'utf8')) as unknown;
    // Regenerate with `reelay config schema > config/reelay.schema.json` (or write configJsonSchema()).
    expect(committed).toEqual(schema);
  });

  it('accepts the commented example config (with its $schema) and loads it', () => {
    const path = new URL('reelay.example.json', configDir).pathname;
    const file = parseConfigFile(path);
    expect(file.$schema).toBe('./reelay.schema.json');
    const config = loadConfig({ REELAY_CONFIG: path }, '/tmp');
    expect(config.server.corsOrigins).toEqual([]);
    expect(config.providers.openai?.apiKeyEnv).toBe('OPENAI_API_KEY');
  });

  it('reads CORS origins from REELAY_CORS_ORIGINS over the file', () => {
    const path = new URL('reelay.example.json', configDir).pathname;
    const config = loadConfig({
      REELAY_CONFIG: path,
      REELAY_CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.server.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });
});
