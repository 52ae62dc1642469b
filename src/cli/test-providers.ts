import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ReelayError } from '../domain/errors.js';
import type { Provider } from '../domain/provider.js';

/** The environment variable naming a module of extra providers (a testing aid). */
export const TEST_PROVIDERS_ENV = 'REELAY_TEST_PROVIDERS';

function isProvider(value: unknown): value is Provider {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return typeof p.id === 'string' && typeof p.kind === 'string' && typeof p.healthCheck === 'function';
}

/**
 * Testing aid: when `REELAY_TEST_PROVIDERS=<path to a module>` is set, imports the module and
 * returns its `providers` export (an array, or a function returning one), registered after the
 * built-in providers so a test can inject, say, a TTS provider that fails with a classified
 * error. Unset → no providers. A module without valid providers is a `REELAY_ERR_CONFIG` error.
 *
 * @example
 * // REELAY_TEST_PROVIDERS=test/cli/fixtures/flaky-tts.ts reelay generate "…" --tts flaky-tts
 */
export async function loadTestProviders(env: NodeJS.ProcessEnv, cwd: string): Promise<Provider[]> {
  const spec = env[TEST_PROVIDERS_ENV];
  if (!spec) return [];
  const path = resolve(cwd, spec);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `${TEST_PROVIDERS_ENV}=${spec}: the module could not be loaded (${(error as Error).message}); unset it or fix the path.`,
      { cause: error },
    );
  }
  const exported =
    typeof mod.providers === 'function' ? await (mod.providers as () => unknown)() : mod.providers;
  if (!Array.isArray(exported) || !exported.every(isProvider)) {
    throw new ReelayError(
      'REELAY_ERR_CONFIG',
      `${TEST_PROVIDERS_ENV}=${spec}: the module must export \`providers\`, an array of providers (or a function returning one).`,
    );
  }
  return exported;
}
