import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/app-config.js';
import { systemClock } from '../domain/clock.js';
import { silentLogger } from '../domain/logger.js';
import { fakeProvider } from '../routing/test-providers.js';
import { createReelayProviders } from './reelay-providers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function config() {
  const dir = mkdtempSync(join(tmpdir(), 'reelay-providers-'));
  dirs.push(dir);
  return loadConfig({ REELAY_DATA_DIR: dir }, dir);
}
const deps = { clock: systemClock, logger: silentLogger, observeResponse: () => undefined };

describe('createReelayProviders', () => {
  it('registers the offline providers and the composer; a caller provider with the same id replaces one', () => {
    const cfg = config();
    const builtIn = createReelayProviders(cfg, { networked: false }, deps);
    expect(builtIn.registry.find('ffmpeg')).toBeDefined();
    expect(builtIn.skipped).toEqual([]);
    expect(builtIn.keyIds).toEqual({});
    expect(builtIn.profiles.getProfileForType('local_llm')).toBeDefined();

    const mine = { ...fakeProvider('ffmpeg', { kind: 'video' }), renderVideo: async () => ({}) };
    const replaced = createReelayProviders(cfg, { networked: false, providers: [mine as never] }, deps);
    expect(replaced.registry.find('ffmpeg')).toBe(mine);
    expect(replaced.registry.list().length).toBe(builtIn.registry.list().length);
  });

  it('lists the networked providers it could not create, with the reason', () => {
    const { skipped } = createReelayProviders(config(), {}, deps);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.every((s) => typeof s.skipped === 'string' && s.skipped.length > 0)).toBe(true);
  });
});
