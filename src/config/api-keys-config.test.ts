import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseApiKeysEnv, parseApiKeyText, plainKeyName } from './api-keys-config.js';
import { loadConfig } from './app-config.js';

const SECRET = 's3cr3t-0123456789abcdef';

describe('API keys with owners and scopes', () => {
  it('parses name:key:scopes entries and keeps plain keys with every scope', () => {
    expect(parseApiKeysEnv(`ci:${SECRET}:submit+read, ops:k:e:y:admin,${SECRET}`)).toEqual([
      { name: 'ci', key: SECRET, scopes: ['submit', 'read'] },
      { name: 'ops', key: 'k:e:y', scopes: ['admin'] },
      { name: plainKeyName(SECRET), key: SECRET, scopes: ['submit', 'read', 'admin'] },
    ]);
    expect(plainKeyName(SECRET)).toMatch(/^key-[0-9a-f]{8}$/);
    expect(parseApiKeysEnv('')).toEqual([]);
  });

  it.each([
    [`ci:${SECRET}`, 'name:key:scopes'],
    [`ci:${SECRET}:write`, 'unknown scope(s) "write"'],
    [`ci:${SECRET}:submit+`, 'unknown scope(s) ""'],
    [`bad name:${SECRET}:read`, 'owner name'],
    ['ci::read', 'name:key:scopes'],
  ])('refuses %s without repeating the key', (entry, message) => {
    expect(() => parseApiKeyText(entry)).toThrow(message);
    try {
      parseApiKeyText(entry);
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });

  it('reads server.apiKeys from the file with keyEnv, and REELAY_API_KEYS replaces the list', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'reelay-keys-'));
    writeFileSync(
      join(cwd, 'reelay.config.json'),
      JSON.stringify({
        server: {
          apiKeys: [
            { name: 'ops', keyEnv: 'OPS_KEY', scopes: ['admin'] },
            { name: 'ci', key: SECRET, scopes: ['submit', 'read'] },
          ],
        },
      }),
    );
    expect(loadConfig({ OPS_KEY: 'ops-secret-0123456789' }, cwd).server.apiKeys).toEqual([
      { name: 'ops', key: 'ops-secret-0123456789', scopes: ['admin'] },
      { name: 'ci', key: SECRET, scopes: ['submit', 'read'] },
    ]);
    expect(() => loadConfig({}, cwd)).toThrow(/OPS_KEY, which is not set/);
    expect(loadConfig({ REELAY_API_KEYS: `x:${SECRET}:read` }, cwd).server.apiKeys).toEqual([
      { name: 'x', key: SECRET, scopes: ['read'] },
    ]);
  });

  it('refuses a file entry with both or neither of key and keyEnv, or no scopes', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'reelay-keys-'));
    const write = (entry: unknown) =>
      writeFileSync(join(cwd, 'reelay.config.json'), JSON.stringify({ server: { apiKeys: [entry] } }));
    write({ name: 'a', scopes: ['read'] });
    expect(() => loadConfig({}, cwd)).toThrow(/exactly one of key or keyEnv/);
    write({ name: 'a', keyEnv: 'A_KEY', key: SECRET, scopes: ['read'] });
    expect(() => loadConfig({ A_KEY: SECRET }, cwd)).toThrow(/exactly one of key or keyEnv/);
    write({ name: 'a', keyEnv: 'A_KEY', scopes: [] });
    expect(() => loadConfig({ A_KEY: SECRET }, cwd)).toThrow(/server\.apiKeys\.0\.scopes/);
  });
});
