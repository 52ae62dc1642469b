import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './app-config.js';

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'reelay-config-'));
}

describe('loadConfig', () => {
  it('uses embedded defaults without a file or env', () => {
    const cwd = dir();
    const c = loadConfig({}, cwd);
    expect(c.dataDir).toBe(join(cwd, 'data'));
    expect(c.outputDir).toBe(join(cwd, 'data', 'videos'));
    expect(c).toMatchObject({ patienceProfile: 'balanced', fallbackPolicy: 'auto', maxSwitchesPerStage: 3 });
    expect(c.server).toMatchObject({ port: 8080, apiKeys: [] });
    expect(c.configPath).toBeUndefined();
  });

  it('reads the file, then lets the environment win, and collects secrets by env var name', () => {
    const cwd = dir();
    writeFileSync(
      join(cwd, 'reelay.config.json'),
      JSON.stringify({
        fallbackPolicy: 'ask',
        providers: { openai: { apiKeyEnv: 'MY_OPENAI_KEY', model: 'gpt-4o-mini' } },
      }),
    );
    const c = loadConfig(
      { REELAY_FALLBACK_POLICY: 'off', MY_OPENAI_KEY: 'sk-secret-1234', PORT: '9000' },
      cwd,
    );
    expect(c.fallbackPolicy).toBe('off');
    expect(c.server.port).toBe(9000);
    expect(c.providers.openai?.model).toBe('gpt-4o-mini');
    expect(c.secrets.MY_OPENAI_KEY).toBe('sk-secret-1234');
  });

  it('names the file, field and expectation for an invalid file', () => {
    const cwd = dir();
    writeFileSync(join(cwd, 'reelay.config.json'), JSON.stringify({ fallbackPolicy: 'sometimes' }));
    expect(() => loadConfig({}, cwd)).toThrow(
      /reelay\.config\.json is invalid — fallbackPolicy: .*ask.*auto.*off/,
    );
  });

  it('rejects a missing explicit file, broken JSON and bad env values', () => {
    const cwd = dir();
    expect(() => loadConfig({ REELAY_CONFIG: 'nope.json' }, cwd)).toThrow(/does not exist/);
    writeFileSync(join(cwd, 'reelay.config.json'), '{ nope');
    expect(() => loadConfig({}, cwd)).toThrow(/not valid JSON/);
    expect(loadConfig({ REELAY_MEDIA_NICE: '0' }, dir()).mediaNiceness).toBe(0);
    expect(loadConfig({ REELAY_MEDIA_NICE: '15' }, dir()).mediaNiceness).toBe(15);
    expect(loadConfig({}, dir()).mediaNiceness).toBeUndefined();
    expect(loadConfig({ REELAY_SQLITE_SYNC: 'normal' }, dir()).sqliteSynchronous).toBe('normal');
    expect(loadConfig({ REELAY_SQLITE_SYNC: 'full' }, dir()).sqliteSynchronous).toBe('full');
    expect(loadConfig({ REELAY_PG_EVENT_COMMIT: 'async' }, dir()).postgresEventCommit).toBe('async');
    expect(loadConfig({}, dir()).postgresEventCommit).toBeUndefined();
    expect(() => loadConfig({ REELAY_PG_EVENT_COMMIT: 'off' }, dir())).toThrow(/REELAY_PG_EVENT_COMMIT/);
    expect(loadConfig({ REELAY_EVENT_WRITER: 'main' }, dir()).eventWriter).toBe('main');
    expect(loadConfig({ REELAY_EVENT_WRITER: 'thread' }, dir()).eventWriter).toBe('thread');
    expect(loadConfig({}, dir()).eventWriter).toBeUndefined();
    expect(() => loadConfig({ REELAY_EVENT_WRITER: 'worker' }, dir())).toThrow(/REELAY_EVENT_WRITER/);
    expect(loadConfig({}, dir()).sqliteSynchronous).toBeUndefined();
    expect(loadConfig({ REELAY_SPAWN_HELPER: 'off' }, dir()).spawnHelper).toBe('off');
    expect(loadConfig({}, dir()).spawnHelper).toBeUndefined();
    expect(() => loadConfig({ REELAY_SPAWN_HELPER: 'no' }, dir())).toThrow(/REELAY_SPAWN_HELPER/);
    expect(() => loadConfig({ REELAY_SQLITE_SYNC: 'off' }, dir())).toThrow(/REELAY_SQLITE_SYNC/);
    expect(() => loadConfig({ REELAY_MEDIA_NICE: '20' }, dir())).toThrow(/REELAY_MEDIA_NICE=20/);
    expect(() => loadConfig({ REELAY_MEDIA_NICE: '-1' }, dir())).toThrow(/REELAY_MEDIA_NICE=-1/);
    expect(() => loadConfig({ PORT: 'abc' }, dir())).toThrow(/PORT=abc/);
    expect(() => loadConfig({ REELAY_PATIENCE_PROFILE: 'eager' }, dir())).toThrow(
      /conservative, balanced, longForm/,
    );
  });
});
